/** The console's languages: Vietnamese first, English available. */
export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const STRINGS = {
  title: { vi: 'Bảng điều khiển quản trị', en: "Stewards' console" },
  signIn: { vi: 'Đăng nhập', en: 'Sign in' },
  signOut: { vi: 'Đăng xuất', en: 'Sign out' },
  email: { vi: 'Thư điện tử', en: 'E-mail' },
  password: { vi: 'Mật khẩu', en: 'Password' },
  code: { vi: 'Mã xác thực (TOTP)', en: 'One-time code (TOTP)' },
  agencies: { vi: 'Cơ quan', en: 'Agencies' },
  credentials: { vi: 'Khóa truy cập', en: 'Credentials' },
  grants: { vi: 'Quyền khai thác', en: 'Grants' },
  audit: { vi: 'Nhật ký truy cập', en: 'Audit' },
  accounts: { vi: 'Tài khoản', en: 'Accounts' },
  history: { vi: 'Lịch sử thay đổi', en: 'Change history' },
  nothing: { vi: 'Tài khoản của bạn chưa được giao vai trò nào.', en: 'Your account has no role yet.' },
  reason: { vi: 'Lý do / số phiếu yêu cầu', en: 'Reason / request number' },
  create: { vi: 'Tạo', en: 'Create' },
  save: { vi: 'Lưu', en: 'Save' },
  rotate: { vi: 'Xoay vòng', en: 'Rotate' },
  revoke: { vi: 'Thu hồi', en: 'Revoke' },
  disable: { vi: 'Vô hiệu hóa', en: 'Disable' },
  search: { vi: 'Tìm kiếm', en: 'Search' },
  exportCsv: { vi: 'Xuất CSV', en: 'Export CSV' },
  shownOnce: { vi: 'Chỉ hiển thị một lần: hãy chuyển giao ngay.', en: 'Shown this once: hand it over now.' },
  code_: { vi: 'Mã', en: 'Code' },
  name: { vi: 'Tên', en: 'Name' },
  unit: { vi: 'Đơn vị', en: 'Unit' },
  sector: { vi: 'Lĩnh vực', en: 'Sector' },
  units: { vi: 'Mã xã/phường', en: 'Commune codes' },
  agency: { vi: 'Cơ quan', en: 'Agency' },
  status: { vi: 'Trạng thái', en: 'Status' },
  expires: { vi: 'Hết hạn', en: 'Expires' },
  graceSeconds: { vi: 'Thời gian ân hạn (giây)', en: 'Grace period (seconds)' },
  target: { vi: 'Đối tượng', en: 'Target' },
  purposes: { vi: 'Mục đích', en: 'Purposes' },
  legalBasis: { vi: 'Căn cứ pháp lý', en: 'Legal basis' },
  scope: { vi: 'Phạm vi (mã xã)', en: 'Row scope (commune codes)' },
  citizen: { vi: 'Số định danh công dân', en: 'Citizen national ID' },
  field: { vi: 'Trường dữ liệu', en: 'Field' },
  purpose: { vi: 'Mục đích', en: 'Purpose' },
  from: { vi: 'Từ ngày', en: 'From' },
  to: { vi: 'Đến ngày', en: 'To' },
  deniedOnly: { vi: 'Chỉ các yêu cầu bị từ chối', en: 'Denied only' },
  records: { vi: 'Bản ghi', en: 'Records' },
  countsByAgency: { vi: 'Số yêu cầu theo cơ quan', en: 'Requests per agency' },
  roles: { vi: 'Vai trò', en: 'Roles' },
  done: { vi: 'Đã lưu.', en: 'Saved.' },
  time: { vi: 'Thời điểm', en: 'Time' },
  actor: { vi: 'Người thực hiện', en: 'Actor' },
  action: { vi: 'Thao tác', en: 'Action' },
  citizenRequests: { vi: 'Yêu cầu của công dân', en: "Citizens' requests" },
  kind: { vi: 'Loại', en: 'Kind' },
  message: { vi: 'Nội dung', en: 'Message' },
  due: { vi: 'Hạn trả lời', en: 'Answer due' },
  workingDaysLeft: { vi: 'Số ngày làm việc còn lại', en: 'Working days left' },
  answer: { vi: 'Trả lời', en: 'Answer' },
  send: { vi: 'Gửi', en: 'Send' },
  accessReference: { vi: 'Lượt truy cập', en: 'Access' },
} as const;

export type StringKey = keyof typeof STRINGS;

/** Given a language, returns the function that gives each of the console's texts in it. */
export function translator(language: Language): (key: StringKey) => string {
  return (key) => STRINGS[key][language];
}

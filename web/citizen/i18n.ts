import type { Bilingual, Language } from '../shared/i18n';
import { localeOf, translatorOf } from '../shared/i18n';

export { LANGUAGES } from '../shared/i18n';
export type { Language } from '../shared/i18n';

const STRINGS = {
  title: { vi: 'Dữ liệu cá nhân của tôi', en: 'My personal data' },
  intro: {
    vi: 'Tại đây bạn xem cơ quan nào đã đọc dữ liệu của bạn, khi nào, vì mục đích gì, và thực hiện các quyền của chủ thể dữ liệu (Luật Bảo vệ dữ liệu cá nhân 2025).',
    en: 'See which agency read your data, when and why, and exercise your rights as a data subject (Personal Data Protection Law 2025).',
  },
  signIn: { vi: 'Đăng nhập bằng tài khoản định danh', en: 'Sign in with your digital identity' },
  signOut: { vi: 'Đăng xuất', en: 'Sign out' },
  signedInAs: { vi: 'Đăng nhập với số định danh', en: 'Signed in with national ID' },
  whoRead: { vi: 'Ai đã đọc dữ liệu của tôi', en: 'Who read my data' },
  deferred: {
    vi: 'Theo quy định của pháp luật, một số lượt truy cập (như của cơ quan điều tra: {agencies}) chỉ được hiển thị sau {days} ngày.',
    en: 'By law, some accesses (such as by investigating agencies: {agencies}) are shown only after {days} days.',
  },
  from: { vi: 'Từ ngày', en: 'From' },
  to: { vi: 'Đến ngày', en: 'To' },
  agency: { vi: 'Cơ quan', en: 'Agency' },
  purpose: { vi: 'Mục đích', en: 'Purpose' },
  all: { vi: 'Tất cả', en: 'All' },
  filter: { vi: 'Lọc', en: 'Filter' },
  time: { vi: 'Thời điểm', en: 'Time' },
  dossier: { vi: 'Hồ sơ', en: 'Dossier' },
  dataRead: { vi: 'Dữ liệu đã đọc', en: 'Data read' },
  reference: { vi: 'Mã tham chiếu', en: 'Reference' },
  none: { vi: 'Chưa có lượt truy cập nào.', en: 'No access yet.' },
  proof: { vi: 'Kiểm chứng', en: 'Proof' },
  proofChecking: { vi: 'Đang kiểm chứng…', en: 'Checking…' },
  proofVerified: { vi: 'Đã kiểm chứng', en: 'Verified' },
  proofVerifiedDetail: {
    vi: 'Lượt truy cập này nằm trong nhật ký kiểm toán đã ký ({size} bản ghi, ký lúc {at}), được {witnesses} bên chứng kiến ký xác nhận; trình duyệt của bạn đã tự kiểm tra.',
    en: 'This access is in the signed audit trail ({size} records, signed at {at}), countersigned by {witnesses} witness(es); your browser checked it itself.',
  },
  proofPending: { vi: 'Chưa niêm phong: được ký ở lần niêm phong tiếp theo', en: 'Not sealed yet: it is signed at the next checkpoint' },
  proofFailed: { vi: 'Không kiểm chứng được', en: 'Not verified' },
  proofNotIncluded: {
    vi: 'Nhật ký đã ký không chứa lượt truy cập đúng như hiển thị: bản ghi đã bị thay đổi.',
    en: 'The signed trail does not hold this access as shown: the record was changed.',
  },
  proofUntrusted: { vi: 'Chữ ký không phải của khóa đã được công bố.', en: 'The signature is not by a published key.' },
  proofBadSignature: { vi: 'Chữ ký của điểm niêm phong không hợp lệ.', en: 'The checkpoint signature does not verify.' },
  proofNotCountersigned: { vi: 'Không có bên chứng kiến nào ký xác nhận.', en: 'No witness countersigned it.' },
  proofMalformed: { vi: 'Bằng chứng không hợp lệ.', en: 'The proof is not valid.' },
  more: { vi: 'Xem thêm', en: 'Show more' },
  contest: { vi: 'Tôi không nhận ra lượt truy cập này', en: 'I do not recognise this access' },
  contestMessage: { vi: 'Vì sao bạn không nhận ra lượt truy cập này?', en: 'Why do you not recognise this access?' },
  send: { vi: 'Gửi', en: 'Send' },
  cancel: { vi: 'Hủy', en: 'Cancel' },
  myRequests: { vi: 'Yêu cầu của tôi', en: 'My requests' },
  newRequest: { vi: 'Gửi yêu cầu mới', en: 'Make a request' },
  kind: { vi: 'Loại yêu cầu', en: 'Request' },
  message: { vi: 'Nội dung', en: 'Message' },
  received: { vi: 'Ngày nhận', en: 'Received' },
  due: { vi: 'Hạn trả lời', en: 'Answer due' },
  status: { vi: 'Trạng thái', en: 'Status' },
  answer: { vi: 'Trả lời', en: 'Answer' },
  noRequests: { vi: 'Bạn chưa gửi yêu cầu nào.', en: 'You have made no request.' },
  requestSent: {
    vi: 'Đã gửi. Cơ quan quản lý dữ liệu trả lời trong 2 ngày làm việc (yêu cầu hạn chế xử lý hoặc rút lại sự đồng ý: trong 15 ngày).',
    en: 'Sent. The data stewards answer within 2 working days (a restriction or a withdrawal of consent: within 15 days).',
  },
  OPEN: { vi: 'Đang xử lý', en: 'Open' },
  ANSWERED: { vi: 'Đã trả lời', en: 'Answered' },
  DISPUTE: { vi: 'Khiếu nại một lượt truy cập', en: 'A contested access' },
  COPY: { vi: 'Yêu cầu bản sao dữ liệu', en: 'A copy of my data' },
  CORRECTION: { vi: 'Yêu cầu chỉnh sửa dữ liệu', en: 'A correction' },
  RESTRICTION: { vi: 'Yêu cầu hạn chế xử lý', en: 'A restriction of processing' },
  OBJECTION: { vi: 'Phản đối xử lý', en: 'An objection to processing' },
  WITHDRAWAL: { vi: 'Rút lại sự đồng ý xử lý dữ liệu', en: 'A withdrawal of consent' },
  COMPLAINT: { vi: 'Khiếu nại', en: 'A complaint' },
  concerns: { vi: 'Dữ liệu liên quan', en: 'The data concerned' },
  wholeSector: { vi: 'toàn bộ lĩnh vực', en: 'the whole sector' },
  handledBy: { vi: 'Cơ quan xử lý', en: 'Handled by' },
  provinceOffice: { vi: 'Văn phòng dữ liệu của tỉnh', en: "The province's data office" },
  rights: {
    vi: 'Bạn có quyền được biết, được xem và chỉnh sửa, được nhận bản sao, hạn chế hoặc phản đối việc xử lý, và khiếu nại. Mỗi yêu cầu được trả lời trong 2 ngày làm việc.',
    en: 'You have the rights to know, to view and correct, to obtain a copy, to restrict or object to processing, and to complain. Each request is answered within 2 working days.',
  },
  overdue: { vi: 'Quá hạn', en: 'Overdue' },
  officerUnit: { vi: 'Đơn vị của cán bộ', en: "Officer's unit" },
  yourself: { vi: 'Chính bạn', en: 'You' },
  copyTitle: { vi: 'Tải bản sao dữ liệu', en: 'Download a copy' },
  copyIntro: {
    vi: 'Xem toàn bộ dữ liệu về bạn mà nền tảng lưu giữ ở bốn lĩnh vực: dân cư, đất đai, y tế, giáo dục. Lượt tải được ghi vào nhật ký truy cập của bạn.',
    en: 'See everything the platform holds about you in its four sectors: population, land, health, education. The download is recorded in your access log.',
  },
  copyShow: { vi: 'Xem bản sao dữ liệu', en: 'Show a copy of my data' },
  copyJson: { vi: 'Tải tệp JSON', en: 'Download as JSON' },
  copyTaken: { vi: 'Bản sao lập lúc', en: 'Copy taken at' },
  copyNotFound: { vi: 'Cơ sở dữ liệu dân cư không có bản ghi về bạn.', en: 'The population register holds no record of you.' },
  copyUnavailable: {
    vi: 'Chưa đọc được dữ liệu của lĩnh vực: {sectors}. Hãy thử lại sau.',
    en: 'These sectors could not be read now: {sectors}. Try again later.',
  },
  copyEmpty: { vi: 'Không có', en: 'None' },
  population: { vi: 'Dân cư', en: 'Population' },
  land: { vi: 'Đất đai', en: 'Land' },
  health: { vi: 'Y tế', en: 'Health' },
  education: { vi: 'Giáo dục', en: 'Education' },
  notifyTitle: { vi: 'Thông báo khi có lượt truy cập mới', en: 'Tell me of new accesses' },
  notifyLabel: {
    vi: 'Gửi thông báo cho tôi mỗi khi một cơ quan đọc dữ liệu của tôi',
    en: 'Notify me whenever an agency reads my data',
  },
} as const satisfies Record<string, Bilingual>;

export type StringKey = keyof typeof STRINGS;

/** Given a language, returns the function that gives each of the page's texts in it. */
export const translator = translatorOf<StringKey>(STRINGS);

/** Given an instant and a language, returns it as a date and time on Viet Nam's clock. */
export function localTime(iso: string, language: Language): string {
  return new Intl.DateTimeFormat(localeOf(language), {
    timeZone: 'Asia/Ho_Chi_Minh',
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(iso));
}

/** Given a month (YYYY-MM) and a language, returns its name. */
export function monthName(month: string, language: Language): string {
  return new Intl.DateTimeFormat(localeOf(language), { timeZone: 'UTC', year: 'numeric', month: 'long' }).format(new Date(`${month}-15T00:00:00Z`));
}

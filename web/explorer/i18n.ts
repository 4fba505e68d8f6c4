import type { Bilingual } from '../shared/i18n';
import { translatorOf } from '../shared/i18n';

export type { Language } from '../shared/i18n';

/** The texts of the explorer's own pages that speak to officers (its sharing requests), in each language. */
const STRINGS = {
  sharingRequests: { vi: 'Yêu cầu chia sẻ dữ liệu', en: 'Sharing requests' },
  loading: { vi: 'Đang tải…', en: 'Loading…' },
  request: { vi: 'Yêu cầu', en: 'Request' },
  fields: { vi: 'Trường dữ liệu', en: 'Fields' },
  purposes: { vi: 'Mục đích', en: 'Purposes' },
  purposesAndBasis: { vi: 'Mục đích · căn cứ pháp lý', en: 'Purposes · legal basis' },
  legalBasis: { vi: 'Căn cứ pháp lý (số hiệu văn bản)', en: 'Legal basis (instrument number)' },
  ownersAndDeadline: { vi: 'Cơ quan chủ quản · hạn trả lời', en: 'Owners · deadline' },
  workingDaysLeft: { vi: 'ngày làm việc còn lại', en: 'working days left' },
  overdue: { vi: 'quá hạn', en: 'overdue' },
  refusedBecause: { vi: 'Lý do từ chối', en: 'Refused because' },
  granted: { vi: 'Đã cấp', en: 'Granted' },
  grantedFor: { vi: 'cho mục đích', en: 'for' },
  grantIds: { vi: 'quyền', en: 'grants' },
  communes: { vi: 'Phạm vi (mã xã)', en: 'Communes' },
  procedure: { vi: 'Thủ tục', en: 'Procedure' },
  file: { vi: 'Gửi yêu cầu', en: 'File the request' },
  noAnswer: { vi: 'Không có trả lời', en: 'No answer' },
  ownerAnswers: { vi: 'Trả lời của từng cơ quan chủ quản', en: "Each owner's answer" },
  waiting: { vi: 'đang chờ trả lời, hạn', en: 'waiting for its answer, due' },
} as const satisfies Record<string, Bilingual>;

export type StringKey = keyof typeof STRINGS;

/** Given a language, returns the function that gives each of the explorer's texts in it. */
export const translator = translatorOf<StringKey>(STRINGS);

/** Where this tab keeps the language an officer chose for the explorer's pages. */
export const LANGUAGE_KEY = 'dsp-explorer:language';

/** Returns the language this tab chose before, Vietnamese when none. */
export function storedLanguage(): 'vi' | 'en' {
  try {
    return sessionStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

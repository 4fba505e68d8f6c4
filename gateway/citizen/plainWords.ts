import type { Purpose } from '../policy/types';

/** A text in Vietnamese and in English. */
export interface Bilingual {
  vi: string;
  en: string;
}

/** Each purpose of processing in plain words, as the citizen reads it. */
export const PURPOSE_WORDS: Readonly<Record<Purpose, Bilingual>> = {
  LAND_REGISTRATION: { vi: 'Đăng ký đất đai', en: 'Land registration' },
  MEDICAL_TREATMENT: { vi: 'Khám bệnh, chữa bệnh', en: 'Medical treatment' },
  HEALTH_INSURANCE: { vi: 'Bảo hiểm y tế', en: 'Health insurance' },
  PUBLIC_SERVICE: { vi: 'Giải quyết thủ tục hành chính', en: 'A public service procedure' },
  EDUCATION_ADMISSION: { vi: 'Tuyển sinh', en: 'School admission' },
  SOCIAL_SUPPORT: { vi: 'Trợ giúp xã hội', en: 'Social support' },
  INVESTIGATION: { vi: 'Điều tra', en: 'Investigation' },
  STATISTICS: { vi: 'Thống kê', en: 'Statistics' },
};

/**
 * The personal fields in plain words, by coordinate. A field the citizen's page names is one of these; a field
 * missing here is shown by its type's label (test/citizen/plainWords.test.ts holds every personal field to it).
 */
export const FIELD_WORDS: Readonly<Record<string, Bilingual>> = {
  'Citizen.nationalId': { vi: 'Số định danh cá nhân', en: 'National ID number' },
  'Citizen.fullName': { vi: 'Họ và tên', en: 'Full name' },
  'Citizen.dateOfBirth': { vi: 'Ngày sinh', en: 'Date of birth' },
  'Citizen.sex': { vi: 'Giới tính', en: 'Sex' },
  'Citizen.ethnicity': { vi: 'Dân tộc', en: 'Ethnicity' },
  'Citizen.nationality': { vi: 'Quốc tịch', en: 'Nationality' },
  'Citizen.permanentResidence': { vi: 'Nơi thường trú', en: 'Permanent residence' },
  'Citizen.currentResidence': { vi: 'Nơi ở hiện tại', en: 'Current residence' },
  'Citizen.status': { vi: 'Tình trạng hộ tịch', en: 'Civil status' },
  'Citizen.dateOfDeath': { vi: 'Ngày mất', en: 'Date of death' },
  'Citizen.householdMembership': { vi: 'Quan hệ trong hộ gia đình', en: 'Household membership' },
  'Citizen.healthInsurance': { vi: 'Thẻ bảo hiểm y tế', en: 'Health-insurance card' },
  'Citizen.vaccinations': { vi: 'Tiêm chủng', en: 'Vaccinations' },
  'Citizen.encounters': { vi: 'Lượt khám chữa bệnh', en: 'Medical encounters' },
  'Citizen.healthEvents': { vi: 'Sự kiện y tế', en: 'Health events' },
  'Citizen.landParcels': { vi: 'Thửa đất', en: 'Land parcels' },
  'Citizen.enrolments': { vi: 'Quá trình học tập', en: 'School enrolments' },
  'Citizen.diplomas': { vi: 'Văn bằng, chứng chỉ', en: 'Diplomas and certificates' },
  'Query.citizen': { vi: 'Tra cứu công dân', en: 'Citizen lookup' },
  'Query.citizensByCommune': { vi: 'Danh sách cư dân theo xã', en: 'Residents of a commune' },
  'Query.healthInsuranceCard': { vi: 'Tra cứu thẻ bảo hiểm y tế', en: 'Health-insurance card lookup' },
  'LandParcel.owners': { vi: 'Chủ sử dụng đất', en: 'Land owners' },
};

/** Types whose every field reads as the type does. */
const TYPE_WORDS: Readonly<Record<string, Bilingual>> = {
  Residence: { vi: 'Địa chỉ cư trú', en: 'Residence' },
  HouseholdMembership: { vi: 'Quan hệ trong hộ gia đình', en: 'Household membership' },
  HealthInsuranceCard: { vi: 'Thẻ bảo hiểm y tế', en: 'Health-insurance card' },
  Vaccination: { vi: 'Tiêm chủng', en: 'Vaccinations' },
  Encounter: { vi: 'Lượt khám chữa bệnh', en: 'Medical encounters' },
  LandOwnership: { vi: 'Chủ sử dụng đất', en: 'Land owners' },
  Enrolment: { vi: 'Quá trình học tập', en: 'School enrolments' },
  Diploma: { vi: 'Văn bằng, chứng chỉ', en: 'Diplomas and certificates' },
};

/** Given a field's coordinate, returns its words for the citizen, or null for a field that is not about them in words. */
export function wordsForField(coordinate: string): Bilingual | null {
  return FIELD_WORDS[coordinate] ?? TYPE_WORDS[coordinate.split('.')[0] ?? ''] ?? null;
}

/** Given a purpose as recorded, returns it in plain words; an unknown one as written. */
export function wordsForPurpose(purpose: string | null): Bilingual | null {
  if (purpose === null) return null;
  return PURPOSE_WORDS[purpose as Purpose] ?? { vi: purpose, en: purpose };
}

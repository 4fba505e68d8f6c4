import type { Bilingual } from './api';

/** The words for the parts of a copy's items that carry no @label of their own (they are not personal data alone). */
export const COPY_WORDS: Readonly<Record<string, Bilingual>> = {
  addressLine: { vi: 'Địa chỉ', en: 'Address' },
  address: { vi: 'Địa chỉ', en: 'Address' },
  unit: { vi: 'Đơn vị hành chính', en: 'Administrative unit' },
  code: { vi: 'Mã', en: 'Code' },
  name: { vi: 'Tên', en: 'Name' },
  relationshipToHead: { vi: 'Quan hệ với chủ hộ', en: 'Relationship to the head' },
  household: { vi: 'Hộ gia đình', en: 'Household' },
  id: { vi: 'Mã thửa', en: 'Parcel id' },
  communeCode: { vi: 'Mã xã, phường', en: 'Commune code' },
  mapSheetNumber: { vi: 'Tờ bản đồ số', en: 'Map sheet' },
  parcelNumber: { vi: 'Thửa đất số', en: 'Parcel number' },
  areaSquareMeters: { vi: 'Diện tích (m²)', en: 'Area (m²)' },
  landUsePurpose: { vi: 'Mục đích sử dụng', en: 'Land-use purpose' },
  landUsePurposeName: { vi: 'Loại đất', en: 'Kind of land' },
  landUseUntil: { vi: 'Thời hạn sử dụng', en: 'Use until' },
  certificates: { vi: 'Giấy chứng nhận', en: 'Certificates' },
  owners: { vi: 'Phần quyền của bạn', en: 'Your share' },
  sharePercent: { vi: 'Tỷ lệ (%)', en: 'Share (%)' },
  serial: { vi: 'Số hiệu', en: 'Serial' },
  issueDate: { vi: 'Ngày cấp', en: 'Issued on' },
  issuingAuthority: { vi: 'Cơ quan cấp', en: 'Issued by' },
  socialInsuranceNumber: { vi: 'Mã số bảo hiểm xã hội', en: 'Social insurance number' },
  benefitLevel: { vi: 'Mức hưởng', en: 'Benefit level' },
  validFrom: { vi: 'Có giá trị từ', en: 'Valid from' },
  validTo: { vi: 'Có giá trị đến', en: 'Valid to' },
  primaryCareFacility: { vi: 'Nơi đăng ký khám chữa bệnh ban đầu', en: 'Primary-care facility' },
  vaccine: { vi: 'Vắc xin', en: 'Vaccine' },
  dose: { vi: 'Mũi', en: 'Dose' },
  date: { vi: 'Ngày', en: 'Date' },
  facility: { vi: 'Cơ sở y tế', en: 'Facility' },
  diagnosisCode: { vi: 'Mã chẩn đoán (ICD-10)', en: 'Diagnosis (ICD-10)' },
  diagnosisChapter: { vi: 'Nhóm bệnh', en: 'Chapter' },
  schoolYear: { vi: 'Năm học', en: 'School year' },
  grade: { vi: 'Lớp', en: 'Grade' },
  school: { vi: 'Trường', en: 'School' },
  type: { vi: 'Loại', en: 'Kind' },
};

/** The words for the coded values a copy holds (the register's enumerations). */
export const VALUE_WORDS: Readonly<Record<string, Bilingual>> = {
  MALE: { vi: 'Nam', en: 'Male' },
  FEMALE: { vi: 'Nữ', en: 'Female' },
  ALIVE: { vi: 'Còn sống', en: 'Living' },
  DECEASED: { vi: 'Đã mất', en: 'Deceased' },
};

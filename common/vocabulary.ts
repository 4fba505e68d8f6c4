/**
 * Code lists shared by the subgraphs (to validate filters) and the seed generator (to make data),
 * so that every value the generator writes is one a filter accepts.
 */

/** Land-use purpose codes of the Land Law (Luật Đất đai 2024) with their Vietnamese names. */
export const LAND_USE_PURPOSES = {
  ONT: 'Đất ở tại nông thôn',
  ODT: 'Đất ở tại đô thị',
  LUC: 'Đất chuyên trồng lúa',
  LUK: 'Đất trồng lúa còn lại',
  BHK: 'Đất bằng trồng cây hằng năm khác',
  NHK: 'Đất nương rẫy trồng cây hằng năm khác',
  CLN: 'Đất trồng cây lâu năm',
  RSX: 'Đất rừng sản xuất',
  RPH: 'Đất rừng phòng hộ',
  NTS: 'Đất nuôi trồng thủy sản',
  TMD: 'Đất thương mại, dịch vụ',
  SKC: 'Đất cơ sở sản xuất phi nông nghiệp',
} as const;
export type LandUsePurpose = keyof typeof LAND_USE_PURPOSES;
export const LAND_USE_PURPOSE_CODES = Object.keys(LAND_USE_PURPOSES) as LandUsePurpose[];

/** Relationship of a household member to the head of household (quan hệ với chủ hộ). */
export const HOUSEHOLD_RELATIONSHIPS = ['HEAD', 'SPOUSE', 'CHILD', 'PARENT', 'GRANDCHILD', 'SIBLING', 'OTHER'] as const;
export type HouseholdRelationship = (typeof HOUSEHOLD_RELATIONSHIPS)[number];

/**
 * Levels of the school system; grades 1-5 primary, 6-9 lower secondary, 10-12 upper secondary; vocational
 * centres and universities issue the vocational certificates and bachelor's degrees.
 */
export const SCHOOL_LEVELS = ['PRESCHOOL', 'PRIMARY', 'LOWER_SECONDARY', 'UPPER_SECONDARY', 'VOCATIONAL', 'HIGHER_EDUCATION'] as const;
export type SchoolLevel = (typeof SCHOOL_LEVELS)[number];

/** Diplomas and certificates the education database records. */
export const DIPLOMA_TYPES = ['LOWER_SECONDARY_DIPLOMA', 'UPPER_SECONDARY_DIPLOMA', 'VOCATIONAL_CERTIFICATE', 'BACHELOR'] as const;
export type DiplomaType = (typeof DIPLOMA_TYPES)[number];

/** Levels of health facilities (tuyến): central, provincial, regional (former district) and commune health stations. */
export const FACILITY_LEVELS = ['CENTRAL', 'PROVINCIAL', 'REGIONAL', 'COMMUNE'] as const;
export type FacilityLevel = (typeof FACILITY_LEVELS)[number];

/** Health-insurance benefit levels (mức hưởng) 1 to 5, as printed on the card. */
export const BENEFIT_LEVELS = [1, 2, 3, 4, 5] as const;

/**
 * Row types of every sector table, declared once. Dates are 'YYYY-MM-DD' strings on both engines;
 * DECIMAL columns come back as strings from MySQL and as numbers from SQLite, hence `number | string`.
 */

// population
export interface AdministrativeUnitRow {
  code: string;
  name: string;
  level: string;
  unit_type: string;
  parent_code: string | null;
  valid_from: string;
  valid_to: string | null;
  replaced_by_code: string | null;
}

export interface CitizenRow {
  national_id: string;
  full_name: string;
  search_name: string;
  date_of_birth: string;
  sex: 'MALE' | 'FEMALE';
  ethnicity: string;
  nationality: string;
  permanent_unit_code: string;
  permanent_address: string;
  current_unit_code: string;
  current_address: string;
  status: 'ALIVE' | 'DECEASED';
  date_of_death: string | null;
}

export interface HouseholdRow {
  code: string;
  unit_code: string;
  address: string;
  head_national_id: string;
}

export interface HouseholdMemberRow {
  household_code: string;
  national_id: string;
  relationship: string;
}

// land
export interface ParcelRow {
  id: number;
  commune_code: string;
  map_sheet_number: number;
  parcel_number: number;
  area_m2: number | string;
  land_use_purpose: string;
  land_use_until: string | null;
  address: string;
}

export interface LandUseCertificateRow {
  serial: string;
  issue_date: string;
  issuing_authority: string;
  parcel_id: number;
}

export interface OwnershipShareRow {
  parcel_id: number;
  national_id: string;
  share_percent: number | string;
}

// health
export interface FacilityRow {
  code: string;
  name: string;
  level: string;
  commune_code: string;
}

export interface InsuranceCardRow {
  social_insurance_number: string;
  national_id: string;
  benefit_level: number;
  primary_care_facility_code: string;
  valid_from: string;
  valid_to: string;
}

export interface VaccinationRow {
  id: number;
  national_id: string;
  vaccine: string;
  dose: number;
  vaccinated_on: string;
  facility_code: string;
}

export interface EncounterRow {
  id: number;
  national_id: string;
  facility_code: string;
  encounter_date: string;
  icd10_code: string;
}

// education
export interface SchoolRow {
  code: string;
  name: string;
  level: string;
  commune_code: string;
}

export interface EnrollmentRow {
  id: number;
  national_id: string;
  school_code: string;
  school_year: string;
  grade: number;
}

export interface DiplomaRow {
  serial: string;
  national_id: string;
  type: string;
  issue_date: string;
  school_code: string;
}

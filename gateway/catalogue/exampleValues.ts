import { getNamedType, isEnumType, isListType, isNonNullType } from 'graphql';
import type { GraphQLObjectType, GraphQLOutputType, GraphQLSchema } from 'graphql';

/**
 * Made-up values in the shape of the province's data, never a real citizen's: the national ID is a well-formed
 * CCCD of Thanh Hóa (038), a woman born in 1985 (1, 85) with serial 000123; names and addresses are common ones.
 */
const EXAMPLES: Readonly<Record<string, string | number>> = {
  'Citizen.nationalId': '038185000123',
  'Citizen.fullName': 'Lê Thị Hoa',
  'Citizen.dateOfBirth': '1985-06-18',
  'Citizen.dateOfDeath': '2024-11-02',
  'Citizen.ethnicity': 'Kinh',
  'Citizen.nationality': 'VN',
  'Residence.addressLine': 'Số 12 đường Lê Lợi',
  'Household.code': 'HK-40778-000123',
  'Household.address': 'Số 12 đường Lê Lợi',
  'HouseholdMembership.relationshipToHead': 'Con',
  'LandParcel.communeCode': '40778',
  'LandParcel.landUsePurpose': 'ONT',
  'LandParcel.landUsePurposeName': 'Đất ở tại nông thôn',
  'LandParcel.address': 'Thôn 3',
  'LandUseCertificate.serial': 'CS 012345',
  'LandUseCertificate.issuingAuthority': 'Sở Tài nguyên và Môi trường tỉnh Thanh Hóa',
  'LandOwnership.sharePercent': 50,
  'HealthInsuranceCard.socialInsuranceNumber': '3812345678',
  'HealthInsuranceCard.benefitLevel': 4,
  'Encounter.diagnosisCode': 'J45.9',
  'Encounter.diagnosisChapter': 'X',
  'Vaccination.vaccine': 'Sởi - Quai bị - Rubella (MMR)',
  'Vaccination.dose': 2,
  'Diploma.serial': 'B 0123456',
  'Diploma.type': 'Bằng tốt nghiệp trung học phổ thông',
  'Enrollment.schoolYear': '2025-2026',
  'Enrollment.grade': 10,
};

/** Dates are ISO days; a field named for a date or a validity takes one. */
const DATE_FIELD = /(date|Date|validFrom|validTo|Until)$/;

/**
 * Given the API schema and a field, returns a made-up value of its type for a preview: the field's own example,
 * an ISO date for a date, the first value of an enum, a number or a text otherwise; null for an object or a
 * list, which carry no value of their own.
 */
export function exampleValueOf(schema: GraphQLSchema, coordinate: string): string | number | boolean | null {
  const [typeName, fieldName] = coordinate.split('.') as [string, string];
  const type = schema.getType(typeName);
  const field = type && 'getFields' in type ? (type as GraphQLObjectType).getFields()[fieldName] : undefined;
  if (!field) return null;
  const own = EXAMPLES[coordinate];
  if (own !== undefined) return own;
  const wrapped: GraphQLOutputType = isNonNullType(field.type) ? field.type.ofType : field.type;
  if (isListType(wrapped)) return null;
  const named = getNamedType(field.type);
  if (isEnumType(named)) return named.getValues()[0]?.value ?? null;
  switch (named.name) {
    case 'String':
      return DATE_FIELD.test(fieldName) ? '2026-01-15' : 'Ví dụ';
    case 'ID':
      return 'VD-0001';
    case 'Int':
      return 1;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return true;
    default:
      return null;
  }
}

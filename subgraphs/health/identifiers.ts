import { badUserInput } from '../../common/errors';
import { printable } from '../../common/nationalId';

/** Facility codes of Social Insurance (mã cơ sở khám chữa bệnh): 2 digits of province, then 3 of serial. */
const FACILITY_CODE = /^\d{5}$/;
/** The social insurance number (mã số BHXH) printed on a health-insurance card. */
const SOCIAL_INSURANCE_NUMBER = /^\d{10}$/;

/** Given an argument value, returns it if it is a well-formed 5-digit facility code, or throws BAD_USER_INPUT. */
export function assertFacilityCode(value: string, argumentName = 'code'): string {
  if (!FACILITY_CODE.test(value)) {
    throw badUserInput(`Malformed facility code "${printable(value)}": expected 5 digits`, argumentName);
  }
  return value;
}

/** Given an argument value, returns it if it is a well-formed 10-digit social insurance number, or throws BAD_USER_INPUT. */
export function assertSocialInsuranceNumber(value: string, argumentName = 'socialInsuranceNumber'): string {
  if (!SOCIAL_INSURANCE_NUMBER.test(value)) {
    throw badUserInput(`Malformed social insurance number "${printable(value)}": expected 10 digits`, argumentName);
  }
  return value;
}

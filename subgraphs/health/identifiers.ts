import { identifierAssertion } from '../../common/identifiers';

/**
 * Given a facility code argument, returns it or throws BAD_USER_INPUT. Social Insurance's facility codes
 * (mã cơ sở khám chữa bệnh) are 2 digits of province, then 3 of serial.
 */
export const assertFacilityCode = identifierAssertion(/^\d{5}$/, 'facility code', '5 digits', 'code');

/** Given a social insurance number (mã số BHXH, printed on the card), returns it or throws BAD_USER_INPUT. */
export const assertSocialInsuranceNumber = identifierAssertion(/^\d{10}$/, 'social insurance number', '10 digits', 'socialInsuranceNumber');

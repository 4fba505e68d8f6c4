import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../common/errors';
import type { Agency } from '../policy/types';

/** The header in which an agency's application names the unit of the officer it acts for. */
export const OFFICER_UNIT_HEADER = 'x-officer-unit';

/** An electronic agency code in the style of the national agency identifier: H56.20, H56.20.03, H56.99.40778. */
const UNIT_CODE = /^[A-Z][0-9]{2}(\.[0-9A-Z]{1,10}){0,4}$/;

function badUnit(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } } });
}

/**
 * Given a request and the agency that authenticated it (null for an anonymous caller, whose officer is not
 * recorded), returns the officer's unit it names in X-Officer-Unit, or null for none. The unit is the electronic
 * code of the agency itself or of one of its sub-units: the national agency identifier gives a sub-unit its
 * parent's code and one more part (H56.20 → H56.20.03), so an agency can name only its own units. Throws
 * BAD_USER_INPUT (HTTP 400) for a malformed code or another agency's unit.
 */
export function officerUnitOf(request: IncomingMessage, agency: Agency | null): string | null {
  const value = request.headers[OFFICER_UNIT_HEADER];
  const unit = (Array.isArray(value) ? value.join(',') : (value ?? '')).trim();
  if (unit === '') return null;
  if (!UNIT_CODE.test(unit)) throw badUnit("Malformed X-Officer-Unit: the electronic code of the officer's unit, such as H56.20.03");
  if (agency === null) return null;
  if (unit !== agency.code && !unit.startsWith(`${agency.code}.`)) {
    throw badUnit(`X-Officer-Unit names ${unit}, which is not ${agency.code} or one of its units: name the officer's unit within the agency`);
  }
  return unit;
}

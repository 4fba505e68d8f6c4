/** The stewards' operations' checks and views that hold no state: actors, instants, statuses, a grant's terms. */
import os from 'node:os';
import type { SectorName } from '../../common/sectors';
import { printable } from '../../common/nationalId';
import { PURPOSES } from '../policy/types';
import type { Grant, Principal } from '../policy/types';
import { badInput } from './errors';
import { grantMasksOf, grantTargetOf, oneOf, requiredText } from './grantInput';
import type { SchemaFacts } from './grantInput';
import type { StoredGrant } from './policyRepository';
import type { CredentialStatus, GrantInput, GrantStatus } from './stewardshipTypes';
import type { Actor, CredentialRecord } from './types';
import { communeCodes } from './unitCodes';

const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Returns the actor of a command run on this machine: cli:<os user>. */
export function cliActor(): Actor {
  let osUser: string;
  try {
    osUser = os.userInfo().username;
  } catch {
    osUser = process.env.USER ?? 'unknown';
  }
  return { kind: 'CLI', osUser };
}

/** Given a steward principal, returns the actor the history records. */
export function stewardActor(principal: Extract<Principal, { kind: 'AGENCY' }>): Actor {
  return { kind: 'STEWARD', agencyCode: principal.agency.code, credentialId: principal.credentialId };
}

/** Given a value and what it is, returns it as an ISO timestamp, or throws BAD_USER_INPUT. */
export function parseInstant(value: string, what: string): string {
  const date = new Date(value);
  const wellFormed = INSTANT.test(value) && !Number.isNaN(date.getTime());
  // new Date('2026-02-30') rolls over to March; a calendar date must come back as written.
  if (!wellFormed || (value.length === 10 && date.toISOString().slice(0, 10) !== value)) {
    throw badInput(`${what} "${printable(value)}" is not a date: expected YYYY-MM-DD or an ISO 8601 timestamp with a time zone`);
  }
  return date.toISOString();
}

/** Given a sector as a steward writes it and the supergraph's sectors, returns it checked, or throws BAD_USER_INPUT. */
export function sectorOf(value: string | null | undefined, sectors: readonly SectorName[]): SectorName | null {
  return value === null || value === undefined || value === '' ? null : oneOf(value, sectors, 'sector');
}

export function credentialStatus(credential: CredentialRecord, now: string): CredentialStatus {
  if (credential.revokedAt !== null && credential.revokedAt <= now) return 'REVOKED';
  return credential.expiresAt <= now ? 'EXPIRED' : 'ACTIVE';
}

export function grantStatus(grant: StoredGrant, now: string): GrantStatus {
  if (grant.revokedAt !== null) return 'REVOKED';
  if (grant.approval.status === 'PENDING_APPROVAL') return 'AWAITING_APPROVAL';
  if (grant.approval.status === 'REJECTED') return 'REJECTED';
  if (grant.validTo !== null && grant.validTo <= now) return 'EXPIRED';
  return grant.validFrom > now ? 'PENDING' : 'ACTIVE';
}

export function overlaps(a: { validFrom: string; validTo: string | null }, b: { validFrom: string; validTo: string | null }): boolean {
  return (b.validTo === null || a.validFrom < b.validTo) && (a.validTo === null || b.validFrom < a.validTo);
}

/**
 * Given a grant as a steward writes it and the schema, returns its terms checked against the schema alone (target,
 * purposes, the legal basis's note, scope codes, masks), or throws BAD_USER_INPUT; the store's checks come after,
 * among them the citation of the legal register, which replaces the instruments and, without a note, the text.
 */
export function grantTermsOf(
  input: GrantInput,
  facts: SchemaFacts,
): Pick<Grant, 'target' | 'purposes' | 'legalBasis' | 'legalInstruments' | 'scopeUnitCodes' | 'masks'> {
  const target = grantTargetOf(input.target, facts);
  const purposes = [...new Set(input.purposes ?? [])].map((purpose) => oneOf(purpose, PURPOSES, 'purpose'));
  if (purposes.length === 0) throw badInput(`A grant needs at least one purpose: ${PURPOSES.join(', ')}`);
  const legalBasis =
    input.legalBasis === null || input.legalBasis === undefined || input.legalBasis.trim() === '' ? '' : requiredText(input.legalBasis, 'The legal basis', 500);
  const scopeUnitCodes = input.scopeUnitCodes === null || input.scopeUnitCodes === undefined ? null : communeCodes(input.scopeUnitCodes, 'scope unit codes');
  if (scopeUnitCodes !== null && scopeUnitCodes.length === 0) throw badInput('An empty scope would show no row: leave the scope out for the whole province');
  const legalInstruments = [...new Set(input.legalInstruments ?? [])];
  return { target, purposes, legalBasis, legalInstruments, scopeUnitCodes, masks: grantMasksOf(target, input.masks, facts) };
}

import type { Migration } from '../../migrate';
import * as createPolicy from './20261201000000_create_policy';
import * as createAudit from './20261215000000_create_audit';
import * as createAuditIndexHeads from './20261221000000_create_audit_index_heads';
import * as createAuditFieldSets from './20261223000000_create_audit_field_sets';
import * as addGrantTargetLimits from './20261225000000_add_grant_target_limits';
import * as createAdministrativeUnits from './20261225000001_create_administrative_units';
import * as createStewardAccounts from './20270101000000_create_steward_accounts';
import * as createLegalRegister from './20270301000001_create_legal_register';

/** The gateway database's migrations, oldest first. */
export const gatewayMigrations: Migration[] = [
  createPolicy,
  createAudit,
  createAuditIndexHeads,
  createAuditFieldSets,
  addGrantTargetLimits,
  createAdministrativeUnits,
  createStewardAccounts,
  createLegalRegister,
];

import type { Migration } from '../../migrate';
import * as createPolicy from './20261201000000_create_policy';
import * as createAudit from './20261215000000_create_audit';
import * as createAuditIndexHeads from './20261221000000_create_audit_index_heads';
import * as createAuditFieldSets from './20261223000000_create_audit_field_sets';
import * as addGrantTargetLimits from './20261225000000_add_grant_target_limits';
import * as createAdministrativeUnits from './20261225000001_create_administrative_units';
import * as createStewardAccounts from './20270101000000_create_steward_accounts';
import * as createSharing from './20270201000000_create_sharing';
import * as createLegalRegister from './20270301000001_create_legal_register';
import * as createCitizenSessionsAndRequests from './20270401000001_create_citizen_sessions_and_requests';
import * as createAgencyQuotas from './20270601000001_create_agency_quotas';
import * as partitionAuditByMonth from './20270601000002_partition_audit_by_month';
import * as createApprovedOperations from './20270801000000_create_approved_operations';
import * as createAuditTree from './20270901000001_create_audit_tree';

/** The gateway database's migrations, oldest first. */
export const gatewayMigrations: Migration[] = [
  createPolicy,
  createAudit,
  createAuditIndexHeads,
  createAuditFieldSets,
  addGrantTargetLimits,
  createAdministrativeUnits,
  createStewardAccounts,
  createSharing,
  createLegalRegister,
  createCitizenSessionsAndRequests,
  createAgencyQuotas,
  partitionAuditByMonth,
  createApprovedOperations,
  createAuditTree,
];

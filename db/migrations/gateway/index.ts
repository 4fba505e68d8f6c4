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
import * as addAuditOfficerUnitAndCitizenCaller from './20270901000000_add_audit_officer_unit_and_citizen_caller';
import * as createCitizenNotifications from './20270901000001_create_citizen_notifications';
import * as createAuditArchives from './20270901000002_create_audit_archives';
import * as createGatewayHeartbeats from './20270901000003_create_gateway_heartbeats';
import * as linkStewardAccountsToAgencies from './20270901000004_link_steward_accounts_to_agencies';
import * as createAuditVerifications from './20270901000005_create_audit_verifications';
import * as addGrantReplacement from './20270901000006_add_grant_replacement';
import * as createAuditTree from './20270901000007_create_audit_tree';
import * as splitSharingRequestsByOwner from './20270901000008_split_sharing_requests_by_owner';
import * as routeCitizenRequestsToAgencies from './20270901000010_route_citizen_requests_to_agencies';

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
  addAuditOfficerUnitAndCitizenCaller,
  createCitizenNotifications,
  createAuditArchives,
  createGatewayHeartbeats,
  linkStewardAccountsToAgencies,
  createAuditVerifications,
  addGrantReplacement,
  createAuditTree,
  splitSharingRequestsByOwner,
  routeCitizenRequestsToAgencies,
];

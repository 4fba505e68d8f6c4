import type { SharingDesk, SharingRequestView } from '../../gateway/sharing/sharingDesk';
import type { GrantView, Stewardship } from '../../gateway/store/stewardship';
import { describeTarget } from '../../gateway/store/stewardship';
import type { Actor } from '../../gateway/store/types';
import type { CommandSpec, Output } from './commandKit';
import { listOf, single, table } from './commandKit';
import { UsageError } from '../../common/commandLine';

/** What the commands of four eyes, deactivation and sharing requests work on. */
interface SharingServices {
  stewardship: Stewardship;
  sharing: SharingDesk;
  actor: Actor;
}

/** Their lines of the steward command's usage. */
export const SHARING_USAGE = `
  grants pending                    grants on sensitive data waiting for a second policy steward (four eyes)
  grants approve --id <grant id>    by another policy steward than the one who asked for it
  grants reject --id <grant id>     the --reason is the rejection's, recorded on the grant
  agencies deactivate --code H56.30     its keys and tokens are refused at once, its grants stop applying
  agencies reactivate --code H56.30
  agencies collects --code H56.30 --fields Citizen.fullName,…   the fields its own forms collect
  requests list [--status PENDING|APPROVED|REFUSED] [--owner H56.01] [--requester H56.20]
  requests approve --id <request id> [--owner H56.01] [--fields F1,F2] [--purposes P1] [--scope 40778]   one owner's part, keeping less than asked
  requests refuse --id <request id> [--owner H56.01] --refusal "<reason for the requester>" --restricting-basis 91/2025/QH15
  requests duplicates               fields agencies' forms collect that they were refused or never asked for
`;

export const AGENCY_COLUMNS = ['code', 'name', 'sector', 'unitCodes', 'steward'];

const REQUEST_COLUMNS = ['id', 'requesterCode', 'ownerCodes', 'status', 'fields', 'purposes', 'legalBasis', 'deadlineAt', 'workingDaysLeft', 'overdue'];

const requestOutput = (request: SharingRequestView): Output =>
  single(request, [
    ...REQUEST_COLUMNS.map((column): [string, unknown] => [column, (request as unknown as Record<string, unknown>)[column]]),
    ...request.parts.map((part): [string, unknown] => [
      `part ${part.ownerCode}`,
      part.status === 'REFUSED'
        ? `REFUSED: ${part.refusalReason} (${part.refusalLegalBasis})`
        : `${part.status} ${part.fields.join(',')}${part.answer ? ` grants ${part.answer.grantIds.join(',')}` : ''}${part.overdue ? ' overdue' : ''}`,
    ]),
  ]);

const grantOutput = (grant: GrantView): Output =>
  single(grant, [
    ['id', grant.id],
    ['agencyCode', grant.agencyCode],
    ['target', describeTarget(grant.target)],
    ['status', grant.status],
    ['requestedBy', grant.approval.requestedBy],
    ['decidedBy', grant.approval.decidedBy],
    ['reason', grant.approval.reason],
  ]);

const reasonOf = (actor: Actor): string | null => (actor.kind === 'PERSON' ? actor.reason : null);

/** The commands of four eyes, agencies' deactivation and sharing requests. */
export const SHARING_COMMANDS: Record<string, CommandSpec<SharingServices>> = {
  'grants pending': {
    field: 'Query.grants',
    flags: {},
    run: async ({ stewardship }) => {
      const grants = await stewardship.listGrants({ approvalStatus: 'PENDING_APPROVAL' });
      const rows = grants.map((grant) => ({ ...grant, target: describeTarget(grant.target), requestedBy: grant.approval.requestedBy }));
      return { data: grants, text: () => table(rows, ['id', 'agencyCode', 'target', 'purposes', 'requestedBy', 'legalBasis']) };
    },
  },
  'grants approve': {
    field: 'Mutation.approveGrant',
    flags: { id: 'string' },
    required: ['id'],
    run: async ({ stewardship, actor }, flags) =>
      grantOutput(await stewardship.decideGrant(actor, flags.string('id')!, { approve: true, reason: reasonOf(actor) })),
  },
  'grants reject': {
    field: 'Mutation.rejectGrant',
    flags: { id: 'string' },
    required: ['id'],
    run: async ({ stewardship, actor }, flags) =>
      grantOutput(await stewardship.decideGrant(actor, flags.string('id')!, { approve: false, reason: reasonOf(actor) })),
  },
  'agencies deactivate': {
    field: 'Mutation.deactivateAgency',
    flags: { code: 'string' },
    required: ['code'],
    run: async ({ stewardship, actor }, flags) => {
      const agency = await stewardship.setAgencyActive(actor, flags.string('code')!, false);
      return single(agency, [
        ...AGENCY_COLUMNS.map((column): [string, unknown] => [column, (agency as unknown as Record<string, unknown>)[column]]),
        ['deactivatedAt', agency.deactivatedAt],
      ]);
    },
  },
  'agencies reactivate': {
    field: 'Mutation.reactivateAgency',
    flags: { code: 'string' },
    required: ['code'],
    run: async ({ stewardship, actor }, flags) => {
      const agency = await stewardship.setAgencyActive(actor, flags.string('code')!, true);
      return single(
        agency,
        AGENCY_COLUMNS.map((column): [string, unknown] => [column, (agency as unknown as Record<string, unknown>)[column]]),
      );
    },
  },
  'agencies collects': {
    field: 'Mutation.declareCollectedFields',
    flags: { code: 'string', fields: 'string' },
    required: ['code', 'fields'],
    run: async ({ sharing, actor }, flags) => {
      const fields = await sharing.declareCollectedFields(actor, flags.string('code')!, listOf(flags.string('fields')) ?? []);
      return single(fields, [['collects', fields]]);
    },
  },
  'requests list': {
    field: 'Query.sharingRequests',
    flags: { status: 'string', owner: 'string', requester: 'string' },
    run: async ({ sharing, actor }, flags) => {
      const status = flags.string('status');
      if (status !== undefined && !['PENDING', 'APPROVED', 'REFUSED'].includes(status)) throw new UsageError('--status is PENDING, APPROVED or REFUSED');
      const requests = await sharing.list(
        {
          status: (status ?? null) as SharingRequestView['status'] | null,
          ownerCode: flags.string('owner') ?? null,
          requesterCode: flags.string('requester') ?? null,
        },
        actor,
      );
      return { data: requests, text: () => table(requests as unknown as Array<Record<string, unknown>>, REQUEST_COLUMNS) };
    },
  },
  'requests approve': {
    field: 'Mutation.approveSharingRequest',
    flags: { id: 'string', owner: 'string', fields: 'string', purposes: 'string', scope: 'string' },
    required: ['id'],
    run: async ({ sharing, actor }, flags) =>
      requestOutput(
        await sharing.approve(actor, flags.string('id')!, {
          ownerCode: flags.string('owner') ?? null,
          fields: listOf(flags.string('fields')) ?? null,
          purposes: listOf(flags.string('purposes')) ?? null,
          scopeUnitCodes: listOf(flags.string('scope')) ?? null,
        }),
      ),
  },
  'requests refuse': {
    field: 'Mutation.refuseSharingRequest',
    flags: { id: 'string', owner: 'string', refusal: 'string', 'restricting-basis': 'string' },
    required: ['id', 'refusal', 'restricting-basis'],
    run: async ({ sharing, actor }, flags) =>
      requestOutput(
        await sharing.refuse(actor, flags.string('id')!, {
          reason: flags.string('refusal')!,
          legalBasis: flags.string('restricting-basis')!,
          ownerCode: flags.string('owner') ?? null,
        }),
      ),
  },
  'requests duplicates': {
    field: 'Query.duplicateCollection',
    flags: {},
    run: async ({ sharing }) => {
      const rows = await sharing.duplicateCollection();
      return {
        data: rows,
        text: () => table(rows as unknown as Array<Record<string, unknown>>, ['agencyCode', 'coordinate', 'ownerSector', 'status', 'requestId']),
      };
    },
  },
};

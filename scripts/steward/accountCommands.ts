import type { Accounts } from '../../gateway/console/accounts';
import type { Actor } from '../../gateway/store/types';
import type { CommandSpec } from './commandKit';
import { listOf, single, table, whole } from './commandKit';

/** What the accounts' commands work on. */
interface AccountServices {
  accounts: Accounts;
  actor: Actor;
}

/** The accounts' lines of the steward command's usage. */
export const ACCOUNT_USAGE = `  accounts list
  accounts create --email a@b.gov.vn --name "…" --unit "…" --roles POLICY_STEWARD,AUDITOR [--agency H56.01]
                  prints the password and TOTP secret once; --agency: the owner whose sharing requests
                  the steward answers (left out: the province's central data office, every owner's)
  accounts link --id <account id> --agency H56.01|none
  accounts disable --id <account id>
`;

/** The steward accounts' commands: list, create (the secrets shown once), link to an agency's queue, disable. */
export const ACCOUNT_COMMANDS: Record<string, CommandSpec<AccountServices>> = {
  'accounts list': {
    field: 'Query.accounts',
    flags: {},
    run: async ({ accounts }) => {
      const rows = await accounts.list();
      return {
        data: rows,
        text: () => table(rows as unknown as Array<Record<string, unknown>>, ['id', 'email', 'name', 'unit', 'roles', 'agencyCode', 'disabledAt']),
      };
    },
  },
  'accounts create': {
    field: 'Mutation.createAccount',
    flags: { email: 'string', name: 'string', unit: 'string', roles: 'string', agency: 'string' },
    required: ['email', 'name', 'unit', 'roles'],
    run: async ({ accounts, actor }, flags) => {
      const created = await accounts.create(actor, {
        email: flags.string('email')!,
        name: flags.string('name')!,
        unit: flags.string('unit')!,
        roles: listOf(flags.string('roles')) ?? [],
        agencyCode: flags.string('agency') ?? null,
      });
      return {
        data: created,
        text: () =>
          `Account ${created.account.id} for ${created.account.email} (${created.account.roles.join(', ') || 'no role'}):\n\n  password     ${created.password}\n  TOTP secret  ${created.totpSecret}\n  ${created.totpUri}\n\n` +
          'They are shown this once and not stored in the clear: hand them over now.',
      };
    },
  },
  'accounts link': {
    field: 'Mutation.updateAccount',
    flags: { id: 'string', agency: 'string' },
    required: ['id', 'agency'],
    run: async ({ accounts, actor }, flags) => {
      const agency = flags.string('agency')!;
      const account = await accounts.update(actor, whole(flags, 'id') ?? 0, { agencyCode: agency === 'none' ? null : agency });
      return single(account, Object.entries(account));
    },
  },
  'accounts disable': {
    field: 'Mutation.disableAccount',
    flags: { id: 'string' },
    required: ['id'],
    run: async ({ accounts, actor }, flags) => {
      const account = await accounts.disable(actor, whole(flags, 'id') ?? 0);
      return single(account, Object.entries(account));
    },
  },
};

import { authorizeField } from '../admin/guard';
import { badInput, forbidden } from '../store/errors';
import { cliActor } from '../store/stewardship';
import type { Actor } from '../store/types';
import type { Accounts } from './accounts';

export interface CommandLineIdentity {
  /** The e-mail of the steward account the command acts as (--as). */
  as: string | null;
  /** The request or reason the change answers (--reason). */
  reason: string | null;
}

/**
 * Given the accounts, who the command line says it acts as, and the admin API's root field the command matches,
 * returns the actor the history records: the named account in the role the field admits, via cli:<os user>. A
 * change needs an account; only the first administrator, while none exists, is created without one.
 */
export async function commandLineActor(accounts: Accounts, identity: CommandLineIdentity, coordinate: string): Promise<Actor | null> {
  const change = coordinate.startsWith('Mutation.');
  if (identity.as === null) {
    if (!change) return null;
    if (coordinate === 'Mutation.createAccount' && !(await accounts.hasAdministrator())) return cliActor();
    throw forbidden('A change needs the steward account it is made as: add --as <e-mail> and --reason "<request or reason>"');
  }
  const account = await accounts.byEmail(identity.as);
  if (!account || account.disabledAt !== null) throw forbidden(`No enabled steward account has the e-mail "${identity.as.slice(0, 80)}"`);
  const reason = identity.reason?.trim() ? identity.reason.trim().slice(0, 500) : null;
  if (change && reason === null) throw badInput('A change needs its reason: add --reason "<request or reason>"');
  const cli = cliActor();
  return authorizeField(
    { kind: 'PERSON', account, via: cli.kind === 'CLI' ? `cli:${cli.osUser}` : 'cli', reason },
    coordinate.slice(0, coordinate.indexOf('.')),
    coordinate.slice(coordinate.indexOf('.') + 1),
  );
}

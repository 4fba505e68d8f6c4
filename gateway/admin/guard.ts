import type { GraphQLResolveInfo } from 'graphql';
import type { StewardAccount } from '../store/accountTypes';
import { badInput, forbidden } from '../store/errors';
import { stewardActor } from '../store/stewardship';
import type { Actor } from '../store/types';
import type { Principal } from '../policy/types';
import { ANY_ACCOUNT, agencyKeyMay, roleFor } from '../console/permissions';

/**
 * Who calls the admin API: a steward agency with its API key, or a person signed in to the console (via
 * "session:<id prefix>") or acting from the command line (via "cli:<os user>").
 */
export type AdminCaller =
  { kind: 'AGENCY'; principal: Extract<Principal, { kind: 'AGENCY' }> } | { kind: 'PERSON'; account: StewardAccount; via: string; reason: string | null };

/**
 * Given the caller and the root field it calls, returns the actor the history records for it, or throws FORBIDDEN:
 * a person needs a role the field admits (permissions.ts), and a reason for any change; an agency key may do
 * everything but manage accounts.
 */
export function authorizeField(caller: AdminCaller, parentType: string, fieldName: string): Actor {
  const coordinate = `${parentType}.${fieldName}`;
  if (caller.kind === 'AGENCY') {
    if (!agencyKeyMay(coordinate)) throw forbidden(`${fieldName} is for persons signed in to the console, not for an agency's API key`);
    return stewardActor(caller.principal);
  }
  const role = roleFor(caller.account, coordinate);
  if (role === null) throw forbidden(`Your account (${caller.account.roles.join(', ') || 'no role'}) may not use ${fieldName}`);
  if (parentType === 'Mutation' && caller.reason === null)
    throw badInput('A change needs its reason: the request or dossier it answers (header x-change-reason)');
  // Fields open to any account are queries about itself, never recorded: they act in no particular role.
  if (role === ANY_ACCOUNT && parentType === 'Mutation') throw forbidden(`${fieldName} needs a role`);
  const { account } = caller;
  return {
    kind: 'PERSON',
    accountId: account.id,
    email: account.email,
    name: account.name,
    role: role === ANY_ACCOUNT ? (account.roles[0] ?? 'AUDITOR') : role,
    reason: caller.reason,
    via: caller.via,
    agencyCode: account.agencyCode,
  };
}

type RootResolver<Context> = (source: unknown, args: never, context: Context, info: GraphQLResolveInfo) => unknown;

/** Given root resolvers whose context has a caller, returns them each behind authorizeField, with the actor in the context. */
export function guardRootResolvers<Context extends { caller: AdminCaller }>(
  resolvers: Record<string, RootResolver<Context>>,
): Record<string, (source: unknown, args: unknown, context: Context, info: GraphQLResolveInfo) => unknown> {
  return Object.fromEntries(
    Object.entries(resolvers).map(([name, resolve]) => [
      name,
      (source: unknown, args: unknown, context: Context, info: GraphQLResolveInfo) => {
        const actor = authorizeField(context.caller, info.parentType.name, info.fieldName);
        return resolve(source, args as never, { ...context, actor }, info);
      },
    ]),
  );
}

import { forbidden } from '../store/errors';
import type { OperationRegistration } from '../operations/registration';
import type { GrantInput } from '../store/stewardship';
import type { Actor } from '../store/types';

/** What these resolvers read of the admin context: the registration, and the actor the guard has set. */
interface OperationsContext {
  operations: OperationRegistration | null;
  actor: Actor;
}

type Resolver<Args> = (source: unknown, args: Args, context: OperationsContext) => unknown;

function registrationOf(context: OperationsContext): OperationRegistration {
  if (!context.operations) throw forbidden('Approved operations are not managed on this gateway');
  return context.operations;
}

/** The admin API's root fields of approved operations (operations.graphql), each one call to OperationRegistration. */
export const operationResolvers: { Query: Record<string, Resolver<never>>; Mutation: Record<string, Resolver<never>> } = {
  Query: {
    operationLists: (_source, args: { agencyCode?: string | null; application?: string | null }, context) => registrationOf(context).lists(args),
    registeredOperations: (_source, args: { agencyCode: string; application: string; version?: number | null }, context) =>
      registrationOf(context).operations(args.agencyCode, args.application, args.version ?? null),
    operationsMode: (_source, args: { agencyCode: string }, context) => registrationOf(context).mode(args.agencyCode),
    operationPlan: (_source, args: { agencyCode: string }, context) => registrationOf(context).plan(args.agencyCode),
    operationImpact: (
      _source,
      args: { agencyCode?: string | null; revokeGrantIds?: string[] | null; addGrants?: GrantInput[] | null; at?: string | null },
      context,
    ) => registrationOf(context).impact(args),
  },
  Mutation: {
    registerOperations: (_source, args: { agencyCode: string; application: string; manifest: string }, context) =>
      registrationOf(context).register(context.actor, args),
    setOperationsMode: (_source, args: { agencyCode: string; mode: string }, context) =>
      registrationOf(context).setMode(context.actor, args.agencyCode, args.mode),
  },
};

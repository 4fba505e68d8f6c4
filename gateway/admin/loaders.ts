import type { LegalInstrument } from '../register/types';
import type { GrantView, Stewardship } from '../store/stewardship';

/** What several resolvers of one request read: loaded once per request, on first use. */
export interface AdminLoaders {
  instruments(): Promise<LegalInstrument[]>;
  /** Every grant, revoked ones included, by id. */
  grantsById(): Promise<ReadonlyMap<string, GrantView>>;
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | null = null;
  return () => (loaded ??= load());
}

/** Given the steward operations, returns one request's loaders: a grant list of 50 grants reads the register once. */
export function adminLoaders(stewardship: Stewardship): AdminLoaders {
  return {
    instruments: once(() => stewardship.register.list()),
    grantsById: once(async () => new Map((await stewardship.listGrants({ includeRevoked: true })).map((grant) => [grant.id, grant]))),
  };
}

import fs from 'node:fs';
import path from 'node:path';
import { GraphQLError, parse } from 'graphql';
import knex from 'knex';
import type { Knex } from 'knex';
import type { AccessContext } from '../../common/accessContext';
import { ErrorCode } from '../../common/errors';
import type { RunningServer, SubgraphContext } from '../../common/subgraphServer';
import { startSubgraphServer } from '../../common/subgraphServer';

/** The SDL of the business registry: a sector the platform does not ship, added by configuration. */
export const BUSINESS_SDL_FILE = path.join(__dirname, '..', 'sectors', 'business.graphql');

/** One enterprise of the registry, as its database holds it. */
export interface BusinessRow {
  enterprise_code: string;
  name: string;
  commune_code: string;
  representative_national_id: string;
  representative_phone: string;
  inspection_note: string;
}

interface BusinessContext extends SubgraphContext {
  db: Knex;
}

export interface RunningBusinessSubgraph extends RunningServer {
  /** The access context of every call the subgraph accepted, in order: what the gateway signed. */
  accepted: AccessContext[];
  /** Registers enterprises in the registry's database. */
  register(rows: readonly BusinessRow[]): Promise<void>;
}

const ENTERPRISE_CODE = /^\d{10}$/;

/** Given a query on the businesses table and the caller's access, keeps only the rows of its communes. */
function inScope(query: Knex.QueryBuilder, access: AccessContext): Knex.QueryBuilder {
  return access.scope === null ? query : query.whereIn('commune_code', access.scope);
}

/**
 * Given the key shared with the gateway, starts the business registry's subgraph on a
 * free port, as its agency would run it: its own SDL and database (an in-memory SQLite here), the gateway's signed
 * access context verified by the platform's own subgraph server (refused unsigned with 401, masks applied to the
 * fields the context lists), and the row scope applied in SQL.
 */
export async function startBusinessSubgraph(signingKey: Buffer): Promise<RunningBusinessSubgraph> {
  const db = knex({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
  await db.schema.createTable('businesses', (table) => {
    table.string('enterprise_code', 10).primary();
    table.string('name').notNullable();
    table.string('commune_code', 5).notNullable().index();
    table.string('representative_national_id', 12).notNullable().index();
    table.string('representative_phone').notNullable();
    table.string('inspection_note').notNullable();
  });
  const accepted: AccessContext[] = [];
  const server = await startSubgraphServer<BusinessContext>(
    {
      sector: 'business',
      typeDefs: parse(fs.readFileSync(BUSINESS_SDL_FILE, 'utf8')),
      createContext(database, access) {
        accepted.push(access);
        return { db: database, access };
      },
      resolvers: {
        Query: {
          business: (_source: unknown, { enterpriseCode }: { enterpriseCode: string }, { db: database, access }: BusinessContext) => {
            if (!ENTERPRISE_CODE.test(enterpriseCode)) {
              throw new GraphQLError('enterpriseCode must be 10 digits', { extensions: { code: ErrorCode.BAD_USER_INPUT, argument: 'enterpriseCode' } });
            }
            return inScope(database('businesses').where('enterprise_code', enterpriseCode), access).first();
          },
          businessesByCommune: (_source: unknown, { communeCode }: { communeCode: string }, { db: database, access }: BusinessContext) =>
            inScope(database('businesses').where('commune_code', communeCode), access).orderBy('enterprise_code'),
        },
        Business: {
          __resolveReference: ({ enterpriseCode }: { enterpriseCode: string }, { db: database, access }: BusinessContext) =>
            inScope(database('businesses').where('enterprise_code', enterpriseCode), access).first(),
          enterpriseCode: (row: BusinessRow) => row.enterprise_code,
          commune: (row: BusinessRow) => ({ code: row.commune_code }),
          legalRepresentative: (row: BusinessRow) => ({ nationalId: row.representative_national_id }),
          representativePhone: (row: BusinessRow) => row.representative_phone,
          inspectionNote: (row: BusinessRow) => row.inspection_note,
        },
        Citizen: {
          representedBusinesses: ({ nationalId }: { nationalId: string }, _args: unknown, { db: database, access }: BusinessContext) =>
            inScope(database('businesses').where('representative_national_id', nationalId), access).orderBy('enterprise_code'),
        },
      },
    },
    { db, signingKey },
  );
  return {
    url: server.url,
    accepted,
    async register(rows) {
      await db('businesses').insert(rows);
    },
    async stop() {
      await server.stop();
      await db.destroy();
    },
  };
}

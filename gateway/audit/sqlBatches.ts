import type { Knex } from 'knex';
import mysql from 'mysql2/promise';

/* How the audit's writes travel: multi-row INSERTs within a statement's bounds, and MySQL batches on a connection of their own. */

/** Values per INSERT statement: far below the bound variables either engine accepts in one statement. */
const VALUES_PER_INSERT = 8000;

/**
 * The most SQL text, in characters, that one round trip of a MySQL batch carries (unless one record alone is
 * longer): a quarter of MariaDB's default max_allowed_packet, since escaping may double a character and UTF-8
 * spend up to four bytes on it.
 */
export const MYSQL_ROUND_TRIP_CHARACTERS = 4 * 1024 * 1024;

/** An INSERT with its bound values, in the order of its placeholders, and its length once they are in place. */
export interface Statement {
  sql: string;
  values: Array<string | number | null>;
  characters: number;
  /**
   * On MySQL, sent as a prepared statement (the binary protocol): its values travel as they are, where the text
   * protocol has the client escape each one into the SQL text. The audit's records are mostly JSON, whose every
   * quote would be escaped.
   */
  prepared: boolean;
}

/** Given a statement and its values (and whether it is sent prepared), returns it with about the length it has once they are in place. */
export function statement(sql: string, values: Statement['values'], prepared = false): Statement {
  let characters = sql.length;
  for (const value of values) characters += typeof value === 'string' ? value.length + 2 : 20;
  return { sql, values, characters, prepared };
}

/** How many rows a prepared INSERT holds: powers of two and three times them, so that any batch takes two or three statements, out of a handful each connection prepares. */
const PREPARED_SIZES = Array.from({ length: 14 }, (_, power) => [2 ** power, 3 * 2 ** power])
  .flat()
  .sort((a, b) => b - a);

/** Given a number of rows and the most one statement holds, returns it as a sum of PREPARED_SIZES, largest first: 13 is 12 and 1. */
function preparedSizes(count: number, most: number): number[] {
  const parts: number[] = [];
  for (const size of PREPARED_SIZES) {
    if (size > most) continue;
    while (count >= size) {
      parts.push(size);
      count -= size;
    }
  }
  return parts;
}

/**
 * Given a table, its columns, rows and the longest statement wanted, returns the multi-row INSERT statements that
 * write the rows, each within VALUES_PER_INSERT bound values and, unless one row alone is longer, within that
 * length; none for no rows. Given prepared, each statement holds one of PREPARED_SIZES of rows, so that a
 * connection prepares a handful of statements once, not one per batch size. Table and columns are the module's own constants.
 */
export function insertStatements<Row extends object>(
  table: string,
  columns: ReadonlyArray<keyof Row & string>,
  rows: readonly Row[],
  maxCharacters: number,
  prepared = false,
): Statement[] {
  const statements: Statement[] = [];
  const fitting = Math.floor(VALUES_PER_INSERT / columns.length);
  const rowsPerInsert = prepared ? PREPARED_SIZES.find((size) => size <= fitting)! : fitting;
  const head = `insert into ${table} (${columns.join(', ')}) values `;
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  let values: Statement['values'] = [];
  let count = 0;
  let characters = head.length;
  const flush = () => {
    if (count === 0) return;
    let start = 0;
    for (const part of prepared ? preparedSizes(count, rowsPerInsert) : [count]) {
      const partValues = part === count ? values : values.slice(start * columns.length, (start + part) * columns.length);
      statements.push(statement(`${head}${Array(part).fill(placeholders).join(', ')}`, partValues, prepared));
      start += part;
    }
    values = [];
    count = 0;
    characters = head.length;
  };
  for (const row of rows) {
    // A column a row predates (a record kept in the outbox by an earlier release) is null.
    const rowValues = columns.map((column) => (row[column] ?? null) as string | number | null);
    const rowCharacters = statement(placeholders, rowValues).characters;
    if (count === rowsPerInsert || (count > 0 && characters + rowCharacters > maxCharacters)) flush();
    values.push(...rowValues);
    count += 1;
    characters += rowCharacters;
  }
  flush();
  return statements;
}

/**
 * The MySQL connection that audit batches are written on: its own, so that a batch never waits for a pooled
 * connection, with multiple statements per round trip. A batch is one INSERT as a rule, sent alone (autocommit):
 * a lone request waits for one round trip and one log flush. A batch of several statements travels as
 * START TRANSACTION; its INSERTs; COMMIT, each prepared INSERT in a round trip of its own. A batch longer than
 * roundTripCharacters takes several round trips within the same transaction. After any failure the connection is
 * closed, which makes the server roll back whatever the batch had written; the next batch opens a new one.
 */
export class MysqlBatchWriter {
  private connection: Promise<mysql.Connection> | null = null;
  /** Told when an open connection is lost (the server went away, the network broke), unless close() ended it. */
  onLost: (() => void) | null = null;

  open(): Promise<mysql.Connection> {
    if (!this.connection) {
      const options = this.db.client.config.connection as mysql.ConnectionOptions;
      // trace off: no stack is captured for every batch.
      const opening = mysql.createConnection({ ...options, multipleStatements: true, trace: false });
      const forget = () => {
        if (this.connection !== opening) return;
        this.connection = null;
        this.onLost?.();
      };
      // A failed attempt is forgotten, so that the next batch tries again; so is a connection that breaks while idle.
      opening.then((connection) => {
        connection.on('end', forget);
        connection.on('error', () => {
          forget();
          connection.destroy();
        });
      }, forget);
      this.connection = opening;
    }
    return this.connection;
  }

  constructor(
    private readonly db: Knex,
    private readonly roundTripCharacters: number,
  ) {}

  /**
   * Given statements, a timeout per round trip and whether the transaction reads committed rows only, runs them
   * in one transaction; a lone statement of a transaction that needs no isolation level runs alone (autocommit).
   */
  async commit(statements: readonly Statement[], timeoutMs: number, readCommitted = false): Promise<void> {
    // A lone statement is a transaction of its own (autocommit): the round trip carries no BEGIN and COMMIT.
    const trips = statements.length === 1 && !readCommitted ? [statements[0]!] : this.roundTrips(statements, readCommitted);
    const opening = this.open();
    const connection = await opening;
    try {
      for (const { sql, values, prepared } of trips) {
        if (prepared) await connection.execute({ sql, values, timeout: timeoutMs });
        else await connection.query({ sql, values, timeout: timeoutMs });
      }
    } catch (error) {
      if (this.connection === opening) this.connection = null;
      connection.destroy();
      throw error;
    }
  }

  /**
   * Given a transaction's statements and whether it reads committed rows only, returns its round trips: the
   * statements sent as text joined within roundTripCharacters, between START TRANSACTION and COMMIT; a prepared one
   * travels alone, as the binary protocol has it.
   */
  private roundTrips(statements: readonly Statement[], readCommitted: boolean): Statement[] {
    const trips: Statement[] = [];
    // SET TRANSACTION without SESSION holds for the next transaction only.
    let trip = statement(readCommitted ? 'set transaction isolation level read committed;\nstart transaction' : 'start transaction', []);
    for (const next of statements) {
      if (next.prepared) {
        if (trip.sql) trips.push(trip);
        trips.push(next);
        trip = statement('', []);
        continue;
      }
      if (trip.values.length > 0 && trip.characters + next.characters > this.roundTripCharacters) {
        trips.push(trip);
        trip = statement('', []);
      }
      trip.sql += `${trip.sql ? ';\n' : ''}${next.sql}`;
      trip.values.push(...next.values);
      trip.characters += next.characters;
    }
    trip.sql += `${trip.sql ? ';\n' : ''}commit`;
    trips.push(trip);
    return trips;
  }

  async close(): Promise<void> {
    const opening = this.connection;
    this.connection = null;
    if (!opening) return;
    const connection = await opening.catch(() => null);
    await connection?.end().catch(() => connection.destroy());
  }
}

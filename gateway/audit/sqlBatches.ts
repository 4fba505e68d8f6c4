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
}

/** Given a statement and its values, returns it with about the length it has once they are in place. */
export function statement(sql: string, values: Statement['values']): Statement {
  let characters = sql.length;
  for (const value of values) characters += typeof value === 'string' ? value.length + 2 : 20;
  return { sql, values, characters };
}

/**
 * Given a table, its columns, rows and the longest statement wanted, returns the multi-row INSERT statements that
 * write the rows, each within VALUES_PER_INSERT bound values and, unless one row alone is longer, within that
 * length; none for no rows. Table and columns are the module's own constants.
 */
export function insertStatements<Row extends object>(
  table: string,
  columns: ReadonlyArray<keyof Row & string>,
  rows: readonly Row[],
  maxCharacters: number,
): Statement[] {
  const statements: Statement[] = [];
  const rowsPerInsert = Math.floor(VALUES_PER_INSERT / columns.length);
  const head = `insert into ${table} (${columns.join(', ')}) values `;
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  let values: Statement['values'] = [];
  let count = 0;
  let characters = head.length;
  const flush = () => {
    if (count === 0) return;
    statements.push(statement(`${head}${Array(count).fill(placeholders).join(', ')}`, values));
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
 * START TRANSACTION; its INSERTs; COMMIT. A batch longer than roundTripCharacters takes
 * several round trips within the same transaction. After any failure the connection is closed, which makes the server roll back
 * whatever the batch had written; the next batch opens a new one.
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
    const trips: Statement[] = [];
    // SET TRANSACTION without SESSION holds for the next transaction only.
    let trip = statement(readCommitted ? 'set transaction isolation level read committed;\nstart transaction' : 'start transaction', []);
    for (const next of statements) {
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
    // A lone statement is a transaction of its own (autocommit): the round trip carries no BEGIN and COMMIT.
    if (statements.length === 1 && !readCommitted) trips.splice(0, trips.length, statements[0]!);
    const opening = this.open();
    const connection = await opening;
    try {
      for (const { sql, values } of trips) await connection.query({ sql, values, timeout: timeoutMs });
    } catch (error) {
      if (this.connection === opening) this.connection = null;
      connection.destroy();
      throw error;
    }
  }

  async close(): Promise<void> {
    const opening = this.connection;
    this.connection = null;
    if (!opening) return;
    const connection = await opening.catch(() => null);
    await connection?.end().catch(() => connection.destroy());
  }
}

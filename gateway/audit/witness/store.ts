import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Checkpoint } from '../types';
import type { WitnessedCheckpoint } from './protocol';
import { witnessedCheckpointOf } from './protocol';

/*
 * One table, appended to only: the triggers refuse any UPDATE or DELETE, so that a bug or a careless
 * statement cannot rewrite what the witness countersigned. The latest row of an instance is what it holds.
 */
const SCHEMA = `
create table if not exists witnessed_checkpoints (
  id integer primary key autoincrement,
  instance text not null,
  seq integer not null,
  head_hash text not null,
  witnessed_json text not null
);
create index if not exists witnessed_checkpoints_by_instance on witnessed_checkpoints (instance, id);
create trigger if not exists witnessed_checkpoints_no_update before update on witnessed_checkpoints
  begin select raise(abort, 'the witness log is append-only'); end;
create trigger if not exists witnessed_checkpoints_no_delete before delete on witnessed_checkpoints
  begin select raise(abort, 'the witness log is append-only'); end;
`;

interface Row {
  witnessed_json: string;
}

function witnessedOf(row: Row): WitnessedCheckpoint {
  const parsed = witnessedCheckpointOf(JSON.parse(row.witnessed_json));
  if (typeof parsed === 'string') throw new Error(`The witness store holds a row that is not a witnessed checkpoint: ${parsed}`);
  return parsed;
}

/** The witness's own store: an append-only SQLite copy of every checkpoint it countersigned. */
export class WitnessStore {
  private readonly db: Database.Database;

  /** Given its SQLite file, opens the store, creating the file and its table when missing. */
  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // A countersignature is not given before the checkpoint it covers is on disk.
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
  }

  /** Given an instance, returns the last checkpoint accepted for it, or null. */
  latest(instance: string): WitnessedCheckpoint | null {
    const row = this.db.prepare('select witnessed_json from witnessed_checkpoints where instance = ? order by id desc limit 1').get(instance) as
      Row | undefined;
    return row ? witnessedOf(row) : null;
  }

  /** Returns the last checkpoint accepted for every instance the witness knows: its register, by instance. */
  register(): WitnessedCheckpoint[] {
    const rows = this.db
      .prepare(
        'select w.witnessed_json from witnessed_checkpoints w where w.id = (select max(x.id) from witnessed_checkpoints x where x.instance = w.instance) order by w.instance',
      )
      .all() as Row[];
    return rows.map(witnessedOf);
  }

  /**
   * Given a checkpoint and how to judge and countersign it against the instance's last one, runs both and
   * appends the result in one transaction, so that two submissions cannot both grow from the same checkpoint.
   * Returns the witnessed checkpoint (the stored one, not appended again, when the judge returns it), or the
   * judge's refusal.
   */
  accept(
    checkpoint: Checkpoint,
    decide: (previous: WitnessedCheckpoint | null) => WitnessedCheckpoint | { refused: string },
  ): WitnessedCheckpoint | { refused: string } {
    return this.db
      .transaction(() => {
        const previous = this.latest(checkpoint.instance);
        const outcome = decide(previous);
        if ('refused' in outcome || outcome === previous) return outcome;
        this.db
          .prepare('insert into witnessed_checkpoints (instance, seq, head_hash, witnessed_json) values (?, ?, ?, ?)')
          .run(checkpoint.instance, checkpoint.seq, checkpoint.headHash, JSON.stringify(outcome));
        return outcome;
      })
      .immediate();
  }

  close(): void {
    this.db.close();
  }
}

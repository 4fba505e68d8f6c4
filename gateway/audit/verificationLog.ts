import os from 'node:os';
import type { Knex } from 'knex';
import type { AuditProblem, AuditVerification } from './verify';

/** What one instance's verification found, as the console shows it. */
export interface VerifiedInstance {
  instance: string;
  records: number;
  checkpoints: number;
  lastCheckpointSeq: number;
  unsealed: number;
  problem: AuditProblem | null;
}

/** One run of the audit verifier: when, by whom, over what, and what it found. */
export interface VerificationRun {
  startedAt: string;
  finishedAt: string;
  sound: boolean;
  /** Who ran it: cli:<os user> (the operating-system account that ran `npm run audit:verify`). */
  ranBy: string;
  /** The one instance verified, when the run was limited to it; null: every instance. */
  instance: string | null;
  instances: VerifiedInstance[];
  /** The problems found apart from any instance (a witness that cannot be asked, a key that is not pinned). */
  problems: string[];
  records: number;
  checkpoints: number;
  /** Instances with a bad record or checkpoint, plus the problems apart from any instance. */
  problemCount: number;
}

interface VerificationRow {
  id: number;
  started_at: string;
  finished_at: string;
  sound: number | boolean;
  instance_count: number;
  record_count: number | string;
  checkpoint_count: number;
  problem_count: number;
  instances_json: string;
  problems_json: string;
  ran_by: string;
  instance: string | null;
}

/** The longest text kept of one problem's message: enough to read, bounded for the table. */
const MAX_MESSAGE = 2000;

/** Given the operating system's account, returns how a verification run names who ran it. */
export function commandLineRunner(): string {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // A container without a passwd entry for its user: the run is still recorded.
  }
  return `cli:${user}`.slice(0, 120);
}

/** Given a verification and when and by whom it ran, returns the run to record. */
export function verificationRunOf(
  verification: AuditVerification,
  run: { startedAt: Date; finishedAt: Date; ranBy: string; instance: string | null },
): VerificationRun {
  const instances = verification.instances.map((result) => ({
    instance: result.instance,
    records: result.records,
    checkpoints: result.checkpoints,
    lastCheckpointSeq: result.lastCheckpointSeq,
    unsealed: result.unsealed,
    problem: result.problem ? { ...result.problem, message: result.problem.message.slice(0, MAX_MESSAGE) } : null,
  }));
  const problems = verification.problems.map((problem) => problem.slice(0, MAX_MESSAGE));
  return {
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    sound: verification.sound,
    ranBy: run.ranBy,
    instance: run.instance,
    instances,
    problems,
    records: instances.reduce((sum, result) => sum + result.records, 0),
    checkpoints: instances.reduce((sum, result) => sum + result.checkpoints, 0),
    problemCount: instances.filter((result) => result.problem !== null).length + problems.length,
  };
}

const toRun = (row: VerificationRow): VerificationRun => ({
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  sound: Boolean(row.sound),
  ranBy: row.ran_by,
  instance: row.instance,
  instances: JSON.parse(row.instances_json) as VerifiedInstance[],
  problems: JSON.parse(row.problems_json) as string[],
  records: Number(row.record_count),
  checkpoints: Number(row.checkpoint_count),
  problemCount: Number(row.problem_count),
});

/** The verifier's runs in the gateway database (audit_verifications): the only module that holds their SQL. */
export class VerificationLog {
  constructor(private readonly db: Knex) {}

  /** Given a run, stores it. */
  async record(run: VerificationRun): Promise<void> {
    await this.db<VerificationRow>('audit_verifications').insert({
      started_at: run.startedAt,
      finished_at: run.finishedAt,
      sound: run.sound,
      instance_count: run.instances.length,
      record_count: run.records,
      checkpoint_count: run.checkpoints,
      problem_count: run.problemCount,
      instances_json: JSON.stringify(run.instances),
      problems_json: JSON.stringify(run.problems),
      ran_by: run.ranBy,
      instance: run.instance,
    });
  }

  /** Returns the run that finished last, or null when the verifier never ran against this database. */
  async latest(): Promise<VerificationRun | null> {
    const row = await this.db<VerificationRow>('audit_verifications').orderBy('finished_at', 'desc').orderBy('id', 'desc').first();
    return row ? toRun(row) : null;
  }
}

/**
 * Given the database, a verification and when and by whom it ran, records it for the stewards' console; a run
 * that cannot be recorded is told on stderr and does not change the verifier's answer.
 */
export async function recordVerificationRun(
  db: Knex,
  verification: AuditVerification,
  run: { startedAt: Date; ranBy?: string; instance: string | null },
): Promise<boolean> {
  try {
    await new VerificationLog(db).record(
      verificationRunOf(verification, { startedAt: run.startedAt, finishedAt: new Date(), ranBy: run.ranBy ?? commandLineRunner(), instance: run.instance }),
    );
    return true;
  } catch (error) {
    process.stderr.write(`The verification could not be recorded for the console: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}\n`);
    return false;
  }
}

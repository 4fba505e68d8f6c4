import { sign, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CheckpointKey } from '../checkpoints';
import { appendJsonLine } from '../jsonLines';

/*
 * AUDIT_DIRECTORY/<instance>.timestamps.jsonl: one JSON object a line, appended, beside the checkpoint file.
 * A TOKEN line holds the TSA's answer (the whole TimeStampResp, DER, base64) for the checkpoint of that seq, time
 * and digest, and the nonce it was asked with; it needs no signature of the gateway's: the TSA's is inside. An
 * UNTIMESTAMPED line states, signed with the gateway's key, that a checkpoint could not be time-stamped and why.
 */

const SUFFIX = '.timestamps.jsonl';
const UNTIMESTAMPED_FORMAT = 'dsp-audit-untimestamped/v1';

/** Why a checkpoint holds no token: no answer in time, an answer that is no token (an error status, HTTP or RFC 3161), one that does not verify, or a gateway that stopped before the answer. */
export type TimestampFailure = 'UNREACHABLE' | 'REFUSED' | 'INVALID' | 'INTERRUPTED';

/** Which checkpoint a line is about: its place, time and digest (timestampedBytes). */
interface LineSubject {
  instance: string;
  seq: number;
  at: string;
  digest: string;
}

export interface TokenLine extends LineSubject {
  kind: 'TOKEN';
  /** The nonce asked with, hex. */
  nonce: string;
  /** The TimeStampResp, DER, base64. */
  response: string;
}

export interface UntimestampedLine extends LineSubject {
  kind: 'UNTIMESTAMPED';
  failure: TimestampFailure;
  reason: string;
  keyId: string;
  /** Ed25519, base64, over untimestampedText. */
  signature: string;
}

export type TimestampLine = TokenLine | UntimestampedLine;
export type NumberedTimestampLine = { line: number; entry: TimestampLine; error: null } | { line: number; entry: null; error: string };

/** Given the checkpoint directory and an instance, returns the file its time-stamps are appended to. */
export function timestampFile(directory: string, instance: string): string {
  return path.join(directory, `${instance}${SUFFIX}`);
}

/** Given an UNTIMESTAMPED line, returns the text the gateway's signature covers. */
function untimestampedText(line: Omit<UntimestampedLine, 'keyId' | 'signature'>): Buffer {
  return Buffer.from(JSON.stringify([UNTIMESTAMPED_FORMAT, line.instance, line.seq, line.at, line.digest, line.failure, line.reason]), 'utf8');
}

/** Given what an UNTIMESTAMPED line states and the gateway's key, returns the line, signed. */
export function signedUntimestamped(line: Omit<UntimestampedLine, 'kind' | 'keyId' | 'signature'>, key: CheckpointKey): UntimestampedLine {
  if (!key.privateKey) throw new Error('An untimestamped line is signed with the private key');
  const unsigned = { kind: 'UNTIMESTAMPED' as const, ...line };
  return { ...unsigned, keyId: key.keyId, signature: sign(null, untimestampedText(unsigned), key.privateKey).toString('base64') };
}

/** Given an UNTIMESTAMPED line and the pinned gateway keys, tells whether one of them signed exactly this line. */
export function untimestampedSignatureValid(line: UntimestampedLine, trustedKeys: readonly CheckpointKey[]): boolean {
  const key = trustedKeys.find((candidate) => candidate.keyId === line.keyId);
  if (!key) return false;
  try {
    return verify(null, untimestampedText(line), key.publicKey, Buffer.from(line.signature, 'base64'));
  } catch {
    return false;
  }
}

const FAILURES: readonly string[] = ['UNREACHABLE', 'REFUSED', 'INVALID', 'INTERRUPTED'];

/** Given a parsed JSON value, returns the line it holds (its fields only), or what is wrong with it. */
export function timestampLineOf(value: unknown): TimestampLine | string {
  const candidate = (value ?? {}) as Record<string, unknown>;
  const subjectValid =
    typeof candidate.instance === 'string' &&
    Number.isInteger(candidate.seq) &&
    typeof candidate.at === 'string' &&
    typeof candidate.digest === 'string' &&
    /^[0-9a-f]{64}$/.test(candidate.digest);
  if (!subjectValid) return 'not a time-stamp line (instance, seq, at, digest)';
  const subject = { instance: candidate.instance as string, seq: candidate.seq as number, at: candidate.at as string, digest: candidate.digest as string };
  if (candidate.kind === 'TOKEN' && typeof candidate.nonce === 'string' && /^[0-9a-f]+$/.test(candidate.nonce) && typeof candidate.response === 'string')
    return { kind: 'TOKEN', ...subject, nonce: candidate.nonce, response: candidate.response };
  if (
    candidate.kind === 'UNTIMESTAMPED' &&
    FAILURES.includes(candidate.failure as string) &&
    typeof candidate.reason === 'string' &&
    typeof candidate.keyId === 'string' &&
    typeof candidate.signature === 'string'
  )
    return {
      kind: 'UNTIMESTAMPED',
      ...subject,
      failure: candidate.failure as TimestampFailure,
      reason: candidate.reason,
      keyId: candidate.keyId,
      signature: candidate.signature,
    };
  return 'neither a TOKEN line (nonce, response) nor an UNTIMESTAMPED one (failure, reason, keyId, signature)';
}

/** Given a line, appends it to its instance's file and waits until it is on disk; a torn last line gets a line break first. */
export function appendTimestampLine(directory: string, line: TimestampLine): Promise<void> {
  return appendJsonLine(timestampFile(directory, line.instance), line);
}

/** Given a time-stamp file, returns its lines, numbered from 1, each a line or what is wrong with it; a torn last line is skipped. */
export async function readTimestampLines(file: string): Promise<NumberedTimestampLine[]> {
  if (!fs.existsSync(file)) return [];
  const lines = (await fs.promises.readFile(file, 'utf8')).split('\n');
  const result: NumberedTimestampLine[] = [];
  lines.forEach((content, index) => {
    // A last line without its line break is a write that a crash cut short.
    if (content.trim() === '' || index === lines.length - 1) return;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch {
      result.push({ line: index + 1, entry: null, error: 'the line is not JSON' });
      return;
    }
    const parsed = timestampLineOf(value);
    result.push(typeof parsed === 'string' ? { line: index + 1, entry: null, error: parsed } : { line: index + 1, entry: parsed, error: null });
  });
  return result;
}

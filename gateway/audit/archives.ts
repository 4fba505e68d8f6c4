import { createHash, sign, verify } from 'node:crypto';
import fs from 'node:fs';
import type { CheckpointKey } from './checkpoints';
import { rangeNodes } from './merkle';
import type { Checkpoint } from './types';

/** Names what an archive manifest's signature covers, so that it never verifies as a checkpoint or anything else. */
const MANIFEST_FORMAT = 'dsp-audit-archive-manifest/v2';

/** Names the archive file's format, on its first line. */
export const ARCHIVE_FILE_FORMAT = 'dsp-audit-archive/v1';

/** What one instance's records of an archived month were: the seqs, the chain's hashes around them, their file. */
export interface ArchiveManifest {
  instance: string;
  /** YYYY-MM: the month whose partition held them. */
  month: string;
  firstSeq: number;
  lastSeq: number;
  /** The chain's hash before firstSeq: the previous_hash of the first archived record. */
  startHash: string;
  /** The hash of the record at lastSeq, which the record after it links to. */
  endHash: string;
  records: number;
  /** SHA-256 of the archive file, hex. */
  fileDigest: string;
  /**
   * The Merkle tree's frontier after lastSeq: the hex hashes of rangeNodes(0, lastSeq), the complete subtrees left
   * to right (merkle.ts). The verifier's tree check goes on from it, and the next signed tree head checks it.
   */
  treeFrontier: string[];
  archivedAt: string;
}

export interface SignedArchiveManifest extends ArchiveManifest {
  keyId: string;
  signature: string;
}

function signedText(manifest: ArchiveManifest): Buffer {
  const { instance, month, firstSeq, lastSeq, startHash, endHash, records, fileDigest, treeFrontier, archivedAt } = manifest;
  const fields = [MANIFEST_FORMAT, instance, month, firstSeq, lastSeq, startHash, endHash, records, fileDigest, treeFrontier.join(','), archivedAt];
  return Buffer.from(fields.join('\n'), 'utf8');
}

/** Given a manifest and the gateway's audit key (the one its checkpoints are signed with), returns it signed. */
export function signArchiveManifest(manifest: ArchiveManifest, key: CheckpointKey): SignedArchiveManifest {
  if (!key.privateKey) throw new Error('An archive manifest is signed with the private key');
  return { ...manifest, keyId: key.keyId, signature: sign(null, signedText(manifest), key.privateKey).toString('base64') };
}

/**
 * Given a manifest and the pinned keys, returns null when one of them signed exactly this manifest and its range
 * holds together, or why not.
 */
export function manifestProblem(manifest: SignedArchiveManifest, trustedKeys: readonly CheckpointKey[]): string | null {
  const key = trustedKeys.find((candidate) => candidate.keyId === manifest.keyId);
  if (!key) return `it names key ${manifest.keyId}, which is not a trusted key`;
  let valid = false;
  try {
    valid = verify(null, signedText(manifest), key.publicKey, Buffer.from(manifest.signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) return 'its signature does not verify: it was altered';
  if (manifest.firstSeq < 1 || manifest.lastSeq < manifest.firstSeq || manifest.records !== manifest.lastSeq - manifest.firstSeq + 1)
    return `its range ${manifest.firstSeq}..${manifest.lastSeq} does not hold its ${manifest.records} record(s)`;
  if (manifest.treeFrontier.length !== rangeNodes(0, manifest.lastSeq).length || !manifest.treeFrontier.every((hash) => /^[0-9a-f]{64}$/.test(hash)))
    return `its Merkle tree frontier is not that of a tree of ${manifest.lastSeq} records`;
  return null;
}

/** Where the chain stands once the archived ranges that start at a seq are crossed, or what stopped the crossing. */
export interface ArchiveCrossing {
  /** The next seq the database must hold, and the hash it must link to. */
  expected: number;
  previousHash: string;
  /** Records crossed in archives. */
  records: number;
  /** The Merkle tree's frontier after the last archived range crossed; null when none was. */
  treeFrontier: string[] | null;
  problem: { seq: number; message: string } | null;
}

export interface CrossingInput {
  manifests: readonly SignedArchiveManifest[];
  trustedKeys: readonly CheckpointKey[];
  /** The seq the chain expects next and the hash it links to. */
  expected: number;
  previousHash: string;
  /** The next seq the database holds; null when it holds no more. */
  nextSeq: number | null;
  /** The checkpoints that sealed a seq: one at an archived range's last seq must have sealed its end hash. */
  checkpointsAt: (seq: number) => readonly Checkpoint[];
  /** At most this many ranges are crossed (every one that continues the chain when left out). */
  limit?: number;
}

/**
 * Given one instance's manifests and a gap in its chain (from the seq expected to the next one the database holds),
 * crosses every archived range that continues the chain from there: signed by a pinned key, starting at the seq
 * expected from the hash before it, ending below the next record held, each checkpoint at its end sealing its end
 * hash. Returns where the chain stands after them (unchanged when no manifest starts at the seq expected), or the
 * first manifest that does not match.
 */
export function crossArchives(input: CrossingInput): ArchiveCrossing {
  let { expected, previousHash } = input;
  let records = 0;
  let treeFrontier: string[] | null = null;
  const stop = (seq: number, message: string): ArchiveCrossing => ({ expected, previousHash, records, treeFrontier, problem: { seq, message } });
  for (let crossed = 0; crossed < (input.limit ?? Number.POSITIVE_INFINITY); crossed += 1) {
    if (input.nextSeq !== null && expected >= input.nextSeq) break;
    const manifest = input.manifests.find((candidate) => candidate.firstSeq === expected);
    if (!manifest) break;
    const where = `the archive manifest of ${manifest.month} (seqs ${manifest.firstSeq}..${manifest.lastSeq})`;
    const unsigned = manifestProblem(manifest, input.trustedKeys);
    if (unsigned) return stop(expected, `${where} is not the gateway's: ${unsigned}`);
    if (manifest.startHash !== previousHash)
      return stop(expected, `${where} starts from another chain: the record before seq ${expected} is not the one it continued`);
    if (input.nextSeq !== null && manifest.lastSeq >= input.nextSeq)
      return stop(input.nextSeq, `${where} claims seq ${input.nextSeq}, which the database still holds: the manifest does not match the trail`);
    const sealedOther = input.checkpointsAt(manifest.lastSeq).find((checkpoint) => checkpoint.headHash !== manifest.endHash);
    if (sealedOther) return stop(manifest.lastSeq, `${where} ends on another hash than the checkpoint of ${sealedOther.at} sealed at seq ${manifest.lastSeq}`);
    records += manifest.records;
    expected = manifest.lastSeq + 1;
    previousHash = manifest.endHash;
    treeFrontier = manifest.treeFrontier;
  }
  return { expected, previousHash, records, treeFrontier, problem: null };
}

/** Given a file, returns the SHA-256 of its bytes, hex. */
export async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Given an archive file's first line, returns the month it names, or null when it is not an archive's header. */
export function archiveMonthOf(headerLine: string): string | null {
  try {
    const header = JSON.parse(headerLine) as { format?: unknown; month?: unknown };
    return header.format === ARCHIVE_FILE_FORMAT && typeof header.month === 'string' && /^\d{4}-\d{2}$/.test(header.month) ? header.month : null;
  } catch {
    return null;
  }
}

/** Reads the first line of a file (up to 4 KB). */
function firstLineOf(file: string): string {
  const handle = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const length = fs.readSync(handle, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, length).toString('utf8').split('\n')[0] ?? '';
  } finally {
    fs.closeSync(handle);
  }
}

/**
 * Given archive files an operator names and the manifests, returns what is wrong with each file: unreadable, not an
 * archive, a month without a manifest, or bytes whose SHA-256 is not the digest its month's manifests signed.
 */
export async function archiveFileProblems(files: readonly string[], manifests: readonly SignedArchiveManifest[]): Promise<string[]> {
  const problems: string[] = [];
  for (const file of files) {
    let month: string | null;
    let digest: string;
    try {
      month = archiveMonthOf(firstLineOf(file));
      digest = await fileDigest(file);
    } catch (error) {
      problems.push(`archive file ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      continue;
    }
    if (month === null) {
      problems.push(`archive file ${file} is not an audit archive (its first line does not name ${ARCHIVE_FILE_FORMAT} and a month)`);
      continue;
    }
    const ofMonth = manifests.filter((manifest) => manifest.month === month);
    if (ofMonth.length === 0) problems.push(`archive file ${file} holds ${month}, for which the database has no archive manifest`);
    else if (ofMonth.some((manifest) => manifest.fileDigest !== digest))
      problems.push(`archive file ${file} does not match the digest its manifest of ${month} signed: the file was changed or is another one`);
  }
  return problems;
}

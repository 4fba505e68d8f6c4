import fs from 'node:fs';
import path from 'node:path';
import type { AuditConfig, WitnessEndpoint } from '../../common/config';
import { getLogger } from '../../common/logger';
import { publicKeyText } from '../../common/publicKeys';
import type { CheckpointKey } from './checkpoints';
import { appendCheckpoint, checkpointFile, loadOrCreateSigningKey, readLastCheckpoint, trustedKeysOf, untrustedBecause } from './checkpoints';
import { AuditIntegrityError } from './errors';
import type { Cosignature } from './proofCheck';
import type { Checkpoint } from './types';
import { WitnessClient, WitnessError } from './witness/client';

/** What a pin file holds, outside production only: the gateway keys and the witnesses `npm start` pinned. */
export interface Pins {
  gatewayKeys: string[];
  witnesses: WitnessEndpoint[];
}

/** Given a pin file (or null), returns what it pins; nothing when there is no file. */
export function readPins(file: string | null): Pins {
  if (file === null || !fs.existsSync(file)) return { gatewayKeys: [], witnesses: [] };
  let value: Partial<Pins>;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Pins>;
  } catch {
    throw new Error(`The pin file ${file} is not JSON: restore it, or set AUDIT_TRUSTED_KEYS`);
  }
  const wellFormed =
    (value.gatewayKeys ?? []).every((key) => typeof key === 'string') &&
    (value.witnesses ?? []).every((witness) => typeof witness?.url === 'string' && typeof witness.publicKey === 'string');
  if (!wellFormed) throw new Error(`The pin file ${file} is not a list of gateway keys and witnesses: restore it, or set AUDIT_TRUSTED_KEYS`);
  return { gatewayKeys: value.gatewayKeys ?? [], witnesses: value.witnesses ?? [] };
}

/** Given a pin file and what it is to pin, writes it whole (a new file renamed over the old one). */
export function writePins(file: string, pins: Pins): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const next = `${file}.${process.pid}.new`;
  fs.writeFileSync(next, `${JSON.stringify(pins, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(next, file);
}

/** What a gateway or a verifier trusts: the gateway keys checkpoints may be signed with, and the witnesses. */
export interface PinnedTrust {
  trustedKeys: CheckpointKey[];
  witnesses: WitnessEndpoint[];
}

/**
 * Given the audit configuration, returns what is pinned: AUDIT_TRUSTED_KEYS and AUDIT_WITNESS_URLS/KEYS, and,
 * outside production, the pin file's keys or witnesses where the configuration names none.
 */
export function pinnedTrust(config: Pick<AuditConfig, 'trustedKeys' | 'witnesses' | 'pinFile'>): PinnedTrust {
  const pins = readPins(config.pinFile);
  return {
    trustedKeys: trustedKeysOf(config.trustedKeys.length > 0 ? config.trustedKeys : pins.gatewayKeys),
    witnesses: config.witnesses.length > 0 ? config.witnesses : pins.witnesses,
  };
}

/**
 * Given the audit configuration and whether a missing key may be made (never in production), returns the
 * gateway's signing key. Outside production, with no key pinned yet, pins its public key in the pin file and
 * tells onNotice what it did. Throws an AuditIntegrityError when the key is not among the pinned ones: it was
 * replaced, or the configuration pins another.
 */
export function trustedSigningKey(config: AuditConfig, create: boolean, onNotice: (message: string) => void = () => undefined): CheckpointKey {
  const existed = fs.existsSync(config.signingKeyFile);
  const key = loadOrCreateSigningKey(config.signingKeyFile, create);
  const text = publicKeyText(key.publicKey);
  if (config.trustedKeys.length === 0 && config.pinFile !== null) {
    const pins = readPins(config.pinFile);
    if (pins.gatewayKeys.length === 0) {
      writePins(config.pinFile, { ...pins, gatewayKeys: [text] });
      onNotice(
        `${existed ? 'Using' : 'Generated'} the audit signing key ${config.signingKeyFile} and pinned its public key in ${config.pinFile} ` +
          `(development only; in production set AUDIT_SIGNING_KEY_FILE and AUDIT_TRUSTED_KEYS=${text})`,
      );
    }
  }
  const { trustedKeys } = pinnedTrust(config);
  if (!trustedKeys.some((trusted) => trusted.keyId === key.keyId)) {
    throw new AuditIntegrityError(
      `The audit signing key ${config.signingKeyFile} (key ${key.keyId}) is not a trusted key (${trustedKeys.map((trusted) => trusted.keyId).join(', ') || 'none is pinned'}): ` +
        `its checkpoints would verify nowhere. If the key was rotated on purpose, add its public key ${text} to AUDIT_TRUSTED_KEYS.`,
    );
  }
  return key;
}

/** The last checkpoint of an instance as the gateway finds it at start: where it was found, and what is wrong. */
export interface LastCheckpoint {
  /** The checkpoint of the highest seq, from the local file or a witness; null when neither holds one. */
  checkpoint: Checkpoint | null;
  /** Where it was found: the local file, or a witness's URL. */
  source: string;
  /** True when the local file holds no checkpoint. */
  localMissing: boolean;
  /** Why the trail cannot be continued from what was found, or null. */
  problem: string | null;
}

/**
 * The audit's trust anchor, the gateway's side: its signing key, checked against the pinned keys; the local
 * checkpoint file; and the witnesses, which keep their own copy of every checkpoint on other hosts.
 */
export class CheckpointAnchor {
  private readonly logger = getLogger('audit');
  private readonly witnesses: WitnessClient[];
  /** When each witness last countersigned a checkpoint of this process (ms since the epoch). */
  private readonly countersigned = new Map<string, number>();
  /** The tree size of the last checkpoint each witness holds, as far as known (undefined: one without a tree); absent when unknown. */
  private readonly witnessTrees = new Map<string, number | undefined>();

  private constructor(
    private readonly config: AuditConfig,
    readonly key: CheckpointKey,
    readonly trustedKeys: CheckpointKey[],
    witnesses: readonly WitnessEndpoint[],
  ) {
    this.witnesses = witnesses.map((endpoint) => new WitnessClient(endpoint));
  }

  /** Given the audit configuration and whether a missing key may be made, opens the anchor (see trustedSigningKey). */
  static open(config: AuditConfig, create: boolean): CheckpointAnchor {
    const key = trustedSigningKey(config, create, (message) => getLogger('audit').warn(message));
    const trust = pinnedTrust(config);
    return new CheckpointAnchor(config, key, trust.trustedKeys, trust.witnesses);
  }

  /**
   * Given an instance, returns its last checkpoint: the local file's, or a witness's when one holds a later one
   * (the file was rolled back or removed). Each must be signed by a pinned key. A witness that cannot be reached
   * is logged and passed over: the verifier asks it again.
   */
  async lastCheckpoint(instance: string): Promise<LastCheckpoint> {
    const file = checkpointFile(this.config.checkpointDirectory, instance);
    const local = await readLastCheckpoint(file);
    const result: LastCheckpoint = {
      checkpoint: local.checkpoint,
      source: file,
      localMissing: local.checkpoint === null && local.error === null,
      problem: null,
    };
    if (local.error !== null) return { ...result, problem: `the last line of ${file} is unreadable (${local.error})` };
    const localUntrusted = local.checkpoint && untrustedBecause(local.checkpoint, this.trustedKeys);
    if (localUntrusted) return { ...result, problem: `the last checkpoint in ${file} is not signed by a trusted key: ${localUntrusted}` };
    for (const witness of this.witnesses) {
      let witnessed;
      try {
        witnessed = await witness.latest(instance);
      } catch (error) {
        if (error instanceof WitnessError && error.code === 'UNREACHABLE') {
          this.logger.warn({ instance, witness: witness.url }, 'audit witness unreachable at start: its last checkpoint is not compared');
          continue;
        }
        return { ...result, problem: (error as Error).message };
      }
      this.witnessTrees.set(witness.url, witnessed?.checkpoint.treeSize);
      if (witnessed === null) continue;
      const untrusted = untrustedBecause(witnessed.checkpoint, this.trustedKeys);
      if (untrusted) return { ...result, problem: `witness ${witness.url} holds a checkpoint not signed by a trusted key: ${untrusted}` };
      if (result.checkpoint === null || witnessed.checkpoint.seq > result.checkpoint.seq) {
        result.checkpoint = witnessed.checkpoint;
        result.source = `witness ${witness.url}`;
      }
    }
    return result;
  }

  /**
   * Given a witness, a checkpoint that signs a tree head and how to prove the tree extends a smaller one, returns
   * the consistency proof from the tree the witness holds (asking it when that is not known); none when there is
   * nothing to prove.
   */
  private async consistencyFor(
    witness: WitnessClient,
    checkpoint: Checkpoint,
    consistency: ((fromSize: number) => Promise<string[]>) | undefined,
  ): Promise<string[]> {
    if (!consistency || checkpoint.treeSize === undefined) return [];
    if (!this.witnessTrees.has(witness.url)) this.witnessTrees.set(witness.url, (await witness.latest(checkpoint.instance))?.checkpoint.treeSize);
    const held = this.witnessTrees.get(witness.url);
    return held === undefined || held >= checkpoint.treeSize ? [] : consistency(held);
  }

  /** Returns, per witness, when it last countersigned a checkpoint this process sent (ms since the epoch), or null. */
  countersignedAt(): Array<{ witness: string; countersignedAt: number | null }> {
    return this.witnesses.map((witness) => ({ witness: witness.url, countersignedAt: this.countersigned.get(witness.url) ?? null }));
  }

  /**
   * Given a checkpoint signed with this anchor's key, appends it to the local file and sends it to every witness.
   * A witness that refuses it (the trail went back, or the key is not pinned there) or cannot be reached is
   * logged; the next checkpoint is sent again, and the verifier reports a witness that lags behind. With the tree's
   * consistency proofs, each witness is shown that the signed tree extends the one it holds. Returns the
   * countersignatures of the witnesses that accepted it.
   */
  async seal(checkpoint: Checkpoint, consistency?: (fromSize: number) => Promise<string[]>): Promise<Cosignature[]> {
    await appendCheckpoint(this.config.checkpointDirectory, checkpoint);
    const cosignatures: Cosignature[] = [];
    await Promise.all(
      this.witnesses.map(async (witness) => {
        try {
          const proof = await this.consistencyFor(witness, checkpoint, consistency);
          cosignatures.push((await witness.submit(checkpoint, proof)).cosignature);
          this.countersigned.set(witness.url, Date.now());
          this.witnessTrees.set(witness.url, checkpoint.treeSize);
        } catch (error) {
          this.witnessTrees.delete(witness.url);
          const code = error instanceof WitnessError ? error.code : 'UNKNOWN';
          const level = code === 'UNREACHABLE' ? 'warn' : 'error';
          this.logger[level](
            { instance: checkpoint.instance, seq: checkpoint.seq, witness: witness.url, code, reason: (error as Error).message },
            'audit checkpoint not countersigned',
          );
        }
      }),
    );
    return cosignatures;
  }
}

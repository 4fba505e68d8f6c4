import type { WitnessEndpoint } from '../../../common/config';
import type { CheckpointKey } from '../checkpoints';
import { trustedKeysOf } from '../checkpoints';
import type { Checkpoint } from '../types';
import type { WitnessedCheckpoint } from './protocol';
import { cosignatureValid, witnessedCheckpointOf } from './protocol';

/** A witness that could not be asked, refused a checkpoint, or answered what its pinned key did not sign. */
export class WitnessError extends Error {
  constructor(
    readonly witness: string,
    /** The witness's error code (CONFLICT, UNAUTHENTICATED...), UNREACHABLE, or FORGED for an answer its key did not sign. */
    readonly code: string,
    message: string,
  ) {
    super(`Witness ${witness}: ${message}`);
    this.name = 'WitnessError';
  }
}

/**
 * One witness of the audit's checkpoints, as the gateway and the verifier talk to it: every answer it gives is
 * checked against its pinned key, so that whoever stands between cannot speak for it.
 */
export class WitnessClient {
  readonly url: string;
  readonly key: CheckpointKey;

  constructor(
    endpoint: WitnessEndpoint,
    private readonly timeoutMs = 2000,
  ) {
    this.url = endpoint.url.replace(/\/+$/, '');
    this.key = trustedKeysOf([endpoint.publicKey])[0]!;
  }

  private async call(path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new WitnessError(
        this.url,
        'UNREACHABLE',
        `cannot be reached (${(error as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (error as Error).message})`,
      );
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new WitnessError(this.url, 'BAD_ANSWER', `answered HTTP ${response.status} without JSON`);
    }
    if (response.status >= 400) {
      const error = (body as { error?: { code?: unknown; message?: unknown } }).error;
      throw new WitnessError(this.url, String(error?.code ?? response.status), String(error?.message ?? `HTTP ${response.status}`));
    }
    return { status: response.status, body };
  }

  /** Given a value from the witness, returns it as a witnessed checkpoint its key countersigned, or throws. */
  private checked(value: unknown): WitnessedCheckpoint {
    const witnessed = witnessedCheckpointOf(value);
    if (typeof witnessed === 'string') throw new WitnessError(this.url, 'BAD_ANSWER', `answered ${witnessed}`);
    if (!cosignatureValid(witnessed, this.key))
      throw new WitnessError(
        this.url,
        'FORGED',
        `answered a checkpoint of ${witnessed.checkpoint.instance} that its pinned key ${this.key.keyId} did not countersign`,
      );
    return witnessed;
  }

  /**
   * Given a signed checkpoint (and the consistency proof from the witness's last tree, when it signs a larger one),
   * has the witness keep and countersign it; throws a WitnessError when it refuses.
   */
  async submit(checkpoint: Checkpoint, consistency: readonly string[] = []): Promise<WitnessedCheckpoint> {
    const sent = consistency.length > 0 ? { ...checkpoint, consistency } : checkpoint;
    const { body } = await this.call('/v1/checkpoints', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sent) });
    const witnessed = this.checked(body);
    if (witnessed.checkpoint.signature !== checkpoint.signature)
      throw new WitnessError(this.url, 'BAD_ANSWER', 'countersigned another checkpoint than the one sent');
    return witnessed;
  }

  /** Given an instance, returns the last checkpoint the witness accepted for it, or null when it knows none. */
  async latest(instance: string): Promise<WitnessedCheckpoint | null> {
    try {
      return this.checked((await this.call(`/v1/checkpoints/${encodeURIComponent(instance)}`)).body);
    } catch (error) {
      if (error instanceof WitnessError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  /** Returns the witness's register: the last checkpoint of every instance it knows. */
  async register(): Promise<WitnessedCheckpoint[]> {
    const { body } = await this.call('/v1/checkpoints');
    const list = (body as { checkpoints?: unknown }).checkpoints;
    if (!Array.isArray(list)) throw new WitnessError(this.url, 'BAD_ANSWER', 'answered no list of checkpoints');
    return list.map((value) => this.checked(value));
  }
}

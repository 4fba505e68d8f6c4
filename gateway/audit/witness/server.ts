import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ErrorCode } from '../../../common/errors';
import { publicKeyText } from '../../../common/publicKeys';
import type { CheckpointKey } from '../checkpoints';
import { checkpointOf, untrustedBecause } from '../checkpoints';
import { treeExtends } from '../proofCheck';
import type { Checkpoint } from '../types';
import type { WitnessedCheckpoint } from './protocol';
import { cosign, growthProblem } from './protocol';
import { WitnessStore } from './store';

/** A checkpoint is a few hundred bytes: anything much larger is not one. */
const MAX_BODY_BYTES = 16 * 1024;
const INSTANCE = /^[A-Za-z0-9._-]{1,64}$/;
const CHECKPOINTS_PATH = '/v1/checkpoints';

export interface WitnessOptions {
  host: string;
  port: number;
  /** The witness's SQLite file. */
  databaseFile: string;
  /** The witness's own key, which countersigns. */
  key: CheckpointKey;
  /** The gateways' pinned keys: a checkpoint signed by any other is refused. */
  trustedKeys: readonly CheckpointKey[];
  logger: Logger;
  now?: () => Date;
}

export interface RunningWitness {
  /** Base URL, such as http://127.0.0.1:4005. */
  url: string;
  /** The witness's public key, as AUDIT_WITNESS_KEYS names it. */
  publicKey: string;
  stop(): Promise<void>;
}

export class WitnessRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function writeJson(response: ServerResponse, status: number, body: unknown): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(body));
}

function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // A body too large is read to its end and dropped, so that the client gets the answer rather than a reset.
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (size > 64 * MAX_BODY_BYTES) request.destroy();
    });
    request.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        reject(new WitnessRequestError(413, ErrorCode.PAYLOAD_TOO_LARGE, `A checkpoint is at most ${MAX_BODY_BYTES} bytes`));
        return;
      }
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new WitnessRequestError(400, ErrorCode.BAD_REQUEST, 'The request body is not JSON: send a signed checkpoint'));
      }
    });
    request.on('error', reject);
  });
}

/**
 * Given a submitted checkpoint, the pinned gateway keys and the witness's last one of its instance, returns why
 * it is refused (status, code, message), or null when it is to be countersigned. The gateway's signature is the
 * caller's authentication: a checkpoint signed by a key that is not pinned is UNAUTHENTICATED.
 */
export function judgeSubmission(
  checkpoint: Checkpoint,
  trustedKeys: readonly CheckpointKey[],
  previous: Checkpoint | null,
  treeExtended = true,
): WitnessRequestError | null {
  if (!INSTANCE.test(checkpoint.instance))
    return new WitnessRequestError(400, ErrorCode.BAD_REQUEST, 'The instance may hold only letters, digits, . _ - (up to 64)');
  const untrusted = untrustedBecause(checkpoint, trustedKeys);
  if (untrusted) return new WitnessRequestError(401, ErrorCode.UNAUTHENTICATED, `The checkpoint is not a pinned gateway's: ${untrusted}`);
  const problem = growthProblem(previous, checkpoint, treeExtended);
  return problem ? new WitnessRequestError(409, ErrorCode.CONFLICT, `Refused for instance ${checkpoint.instance}: ${problem}`) : null;
}

/**
 * Given the last checkpoint a witness accepted, a new one and the consistency proof sent with it, tells whether the
 * new one's tree extends the last one's (RFC 9162 §2.1.4), or there is nothing to show: no tree before, the same
 * size (whose root is compared apart), or a smaller one (refused apart).
 */
async function treeExtendsFrom(previous: Checkpoint | null, next: Checkpoint, consistency: readonly string[]): Promise<boolean> {
  if (previous?.treeSize === undefined || next.treeSize === undefined || next.treeSize <= previous.treeSize) return true;
  return treeExtends(previous.treeSize, next.treeSize, previous.treeRoot!, next.treeRoot!, consistency);
}

const sameCheckpoint = (a: Checkpoint, b: Checkpoint) =>
  a.signature === b.signature && a.keyId === b.keyId && a.seq === b.seq && a.headHash === b.headHash && a.at === b.at;

/**
 * Given where to listen, its store, its key and the pinned gateway keys, starts a witness of the audit's
 * checkpoints: POST /v1/checkpoints takes a signed checkpoint and, when it only grows its instance's trail,
 * keeps it and returns it countersigned; GET /v1/checkpoints returns the register (the last checkpoint of every
 * instance it knows), GET /v1/checkpoints/<instance> one instance's. Errors are JSON with a stable code.
 */
export async function startWitness(options: WitnessOptions): Promise<RunningWitness> {
  const store = new WitnessStore(options.databaseFile);
  const now = options.now ?? (() => new Date());
  const { logger } = options;

  async function submit(request: IncomingMessage): Promise<WitnessedCheckpoint> {
    const body = await readJson(request);
    const checkpoint = checkpointOf(body);
    if (typeof checkpoint === 'string') throw new WitnessRequestError(400, ErrorCode.BAD_REQUEST, `The request body is ${checkpoint}`);
    const consistency = (body as { consistency?: unknown }).consistency ?? [];
    if (!Array.isArray(consistency) || !consistency.every((hash) => typeof hash === 'string'))
      throw new WitnessRequestError(400, ErrorCode.BAD_REQUEST, 'The consistency proof is a list of hashes (hex)');
    // The proof is checked against the last checkpoint before the store's transaction, which cannot wait; if another
    // was accepted meanwhile, the judgement is of the one seen.
    const seen = store.latest(checkpoint.instance)?.checkpoint ?? null;
    const extended = await treeExtendsFrom(seen, checkpoint, consistency as string[]);
    let refusal: WitnessRequestError | null = null;
    const outcome = store.accept(checkpoint, (previous) => {
      // The same checkpoint sent again (a retry) gets the countersignature it got.
      if (previous && sameCheckpoint(previous.checkpoint, checkpoint)) return previous;
      if (previous?.checkpoint.signature !== seen?.signature) {
        refusal = new WitnessRequestError(
          409,
          ErrorCode.CONFLICT,
          `Refused for instance ${checkpoint.instance}: another checkpoint was accepted meanwhile; send it again`,
        );
        return { refused: refusal.message };
      }
      refusal = judgeSubmission(checkpoint, options.trustedKeys, previous?.checkpoint ?? null, extended);
      if (refusal) return { refused: refusal.message };
      return { checkpoint, cosignature: cosign(checkpoint, options.key, now().toISOString()) };
    });
    if ('refused' in outcome) {
      logger.warn({ instance: checkpoint.instance, seq: checkpoint.seq, reason: outcome.refused }, 'checkpoint refused');
      throw refusal!;
    }
    return outcome;
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === CHECKPOINTS_PATH) {
      if (request.method === 'POST') return writeJson(response, 200, await submit(request));
      if (request.method === 'GET') return writeJson(response, 200, { checkpoints: store.register() });
      throw new WitnessRequestError(405, ErrorCode.BAD_REQUEST, `${CHECKPOINTS_PATH} takes GET or POST`);
    }
    if (url.pathname.startsWith(`${CHECKPOINTS_PATH}/`) && request.method === 'GET') {
      // An instance's name needs no percent-encoding: the path's segment is checked as it came, never decoded.
      const instance = url.pathname.slice(CHECKPOINTS_PATH.length + 1);
      if (!INSTANCE.test(instance)) throw new WitnessRequestError(400, ErrorCode.BAD_REQUEST, 'The instance may hold only letters, digits, . _ - (up to 64)');
      const witnessed = store.latest(instance);
      if (!witnessed) throw new WitnessRequestError(404, ErrorCode.NOT_FOUND, `No checkpoint of instance ${instance} was witnessed here`);
      return writeJson(response, 200, witnessed);
    }
    if (url.pathname === '/v1/key' && request.method === 'GET')
      return writeJson(response, 200, { keyId: options.key.keyId, publicKey: publicKeyText(options.key.publicKey) });
    throw new WitnessRequestError(404, ErrorCode.NOT_FOUND, `Nothing at ${url.pathname.slice(0, 200)}: try ${CHECKPOINTS_PATH}`);
  }

  const server = http.createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (error instanceof WitnessRequestError) return writeJson(response, error.status, { error: { code: error.code, message: error.message } });
      logger.error({ err: error }, 'witness request failed');
      return writeJson(response, 500, { error: { code: ErrorCode.INTERNAL_SERVER_ERROR, message: 'Internal server error' } });
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
  } catch (error) {
    store.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    publicKey: publicKeyText(options.key.publicKey),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeIdleConnections();
        server.close(() => {
          store.close();
          resolve();
        });
      }),
  };
}

/**
 * Our gateway as a deployment scales it out: two replicas, each a process of its own with everything on, over
 * the same MySQL gateway database (and the same Redis when REDIS_URL is set), behind the round-robin balancer.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLoadBalancer } from '../loadBalancer';
import { MAX_COST_PER_MINUTE, MAX_REQUESTS_PER_MINUTE } from '../../gateway/store/quotaStewardship';
import type { OurGatewayOptions } from './ours';
import type { StartedTarget } from './started';
import { TargetNotAvailable } from './started';

/** How many replicas the target runs. */
export const REPLICA_COUNT = 2;

const ROOT = path.resolve(__dirname, '../..');

/**
 * Given the bench's environment, a run id and the run's directory, returns each replica's instance name and
 * environment: a chain of its own per replica and run, the audit's files in the run's directory, quotas counted
 * but never reached (the bench measures what counting costs, not refusals), its port chosen by the system.
 */
export function replicaEnvironments(base: NodeJS.ProcessEnv, runId: string, directory: string): Array<{ instance: string; env: NodeJS.ProcessEnv }> {
  return Array.from({ length: REPLICA_COUNT }, (_, index) => {
    const instance = `bench-${runId}-r${index + 1}`;
    return {
      instance,
      env: {
        ...base,
        GATEWAY_INSTANCE: instance,
        PORT: '0',
        DATA_DIR: path.join(directory, 'data'),
        AUDIT_DIRECTORY: path.join(directory, 'audit'),
        QUOTA_REQUESTS_PER_MINUTE: String(MAX_REQUESTS_PER_MINUTE),
        QUOTA_COST_PER_MINUTE: String(MAX_COST_PER_MINUTE),
        LOG_LEVEL: 'warn',
      },
    };
  });
}

/** Given a replica's process, resolves with its origin once it says it is ready. */
function replicaReady(child: ChildProcess, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`a replica was not ready within ${timeoutMs} ms`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
      const match = output.match(/Gateway ready at (http:\/\/\S+\/graphql)/);
      if (match) {
        clearTimeout(timer);
        resolve(new URL(match[1]!).origin);
      }
    });
    // What a replica writes past its start is drained, so that its pipe never fills.
    child.stderr!.resume();
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`a replica exited with ${code} before it was ready`));
    });
  });
}

/**
 * Given the bench's configuration and environment, starts the replicas (npm run start:gateway with that
 * environment) and the balancer in front of them; the replicas stop with this process, or with stop(). Not
 * available on SQLite, whose file a second process would share only through its locks.
 */
export async function startOurGatewayReplicas(
  options: OurGatewayOptions,
  environment: NodeJS.ProcessEnv = process.env,
): Promise<StartedTarget & { stop(): Promise<void> }> {
  if (options.config.database.engine !== 'mysql') throw new TargetNotAvailable('two replicas need a MySQL gateway database (--engine mysql)');
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-bench-replicas-'));
  const children: ChildProcess[] = [];
  process.once('exit', () => {
    for (const child of children) child.kill('SIGTERM');
  });
  const origins: string[] = [];
  for (const { env } of replicaEnvironments(environment, String(Date.now()), directory)) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start-gateway.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    // One after the other: the first creates what the second then finds (its migrations, the pinned key).
    origins.push(await replicaReady(child));
  }
  const balancer = await startLoadBalancer(origins);
  return {
    url: `${balancer.baseUrl}/graphql`,
    async stop() {
      await balancer.stop();
      await Promise.all(
        children.map((child) =>
          child.exitCode !== null || child.signalCode !== null
            ? undefined
            : new Promise<void>((resolve) => {
                child.once('exit', () => resolve());
                child.kill('SIGTERM');
              }),
        ),
      );
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

import { execFile } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** How a run of the steward command ended: its exit status and what it printed. */
export interface StewardRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Given the command's environment (commandEnvironment's), its arguments and a time limit, runs `npm run steward` as a process of its own. */
export function runSteward(environment: NodeJS.ProcessEnv, args: readonly string[], timeoutMs = 30_000): Promise<StewardRun> {
  return new Promise((resolve) => {
    execFile(TSX, ['scripts/steward.ts', ...args], { cwd: ROOT, env: environment, timeout: timeoutMs }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

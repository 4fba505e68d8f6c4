import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** Given a script of scripts/ and its arguments and environment, starts it as npm would, with its output piped. */
export function startScript(script: string, args: string[], environment: NodeJS.ProcessEnv): ChildProcess {
  return spawn(TSX, [path.join('scripts', script), ...args], { cwd: ROOT, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Given a child process, resolves with its exit code and everything it wrote, once it has exited. */
export function exitOf(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Given a child process and a pattern, resolves with the first match in its standard output. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output: ${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(pattern);
      if (match) {
        clearTimeout(timer);
        // Not matched again and again over a growing output: a process under load writes an access line per request.
        child.stdout!.off('data', onData);
        resolve(match);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${pattern}`));
    });
  });
}

/**
 * Given a child started by startScript, stops it with SIGTERM, which tsx hands on to the script, and resolves once
 * it has exited; SIGKILL after timeoutMs. (SIGKILL alone would stop tsx and leave the script running.)
 */
export async function stopScript(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await closed;
  clearTimeout(timer);
}

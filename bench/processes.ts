import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChildCall, ChildMessage } from './ipc';

/** The repository root: children run from it so that `--import tsx` and relative paths resolve. */
export const REPOSITORY_ROOT = path.resolve(__dirname, '..');

/** Tells whether util-linux's taskset is on the PATH; without it nothing is pinned and the report says so. */
export function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Given a CPU list ("0", "1", "0,1"), pins the current process to it; returns false when that failed. */
export function pinSelf(cpus: string): boolean {
  try {
    execFileSync('taskset', ['-pc', cpus, String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface ChildOptions {
  /** What the report calls it: "gateway (apollo)", "subgraph population". */
  label: string;
  /** A script under bench/children, run with tsx. */
  script: string;
  args?: string[];
  env: NodeJS.ProcessEnv;
  /** CPU list for taskset, or null to leave the process unpinned. */
  cpus: string | null;
  /** How long the child may take to announce its URL. */
  startTimeoutMs?: number;
  /** Where the child's stdout and stderr go. */
  logFile: string;
  /** Where the child writes its V8 CPU profile when it stops (node --cpu-prof), or none. */
  profileDirectory?: string | null;
}

/** What a child announced once its server listens. */
export interface ChildReady {
  url: string;
}

/**
 * Loaded after tsx in every child: turns off the source maps tsx turns on, as production runs. With NODE_ENV
 * (set for every child by bench/database.ts), every target runs alike, as its users run it in production.
 */
const PRODUCTION_PRELOAD = pathToFileURL(path.join(REPOSITORY_ROOT, 'bench', 'children', 'production.ts')).href;

/** A child that did not start because what it runs is not available (not an error of the run). */
export class ChildUnavailable extends Error {}

/** A child process of the bench: its pid (for /proc), its URL once ready, and calls over IPC. */
export class BenchChild {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private exited: { code: number | null; signal: string | null } | null = null;
  readonly ready: Promise<ChildReady>;

  private constructor(
    readonly label: string,
    private readonly process: ChildProcess,
    startTimeoutMs: number,
    private readonly logFile: string,
  ) {
    this.ready = new Promise<ChildReady>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label} did not start within ${startTimeoutMs} ms; see ${logFile}`)), startTimeoutMs);
      process.on('message', (message: ChildMessage) => {
        if (message.kind === 'ready') {
          clearTimeout(timer);
          resolve({ url: message.url });
        } else if (message.kind === 'unavailable') {
          clearTimeout(timer);
          reject(new ChildUnavailable(message.message));
        } else if (message.kind === 'failed') {
          clearTimeout(timer);
          reject(new Error(`${label} failed to start: ${message.message}`));
        } else if (message.kind === 'reply') {
          const waiting = this.pending.get(message.id);
          this.pending.delete(message.id);
          if ('error' in message) waiting?.reject(new Error(`${label}: ${message.error}`));
          else waiting?.resolve(message.value);
        }
      });
      process.on('exit', (code, signal) => {
        this.exited = { code, signal };
        clearTimeout(timer);
        const reason = new Error(`${label} exited (code ${code ?? 'none'}, signal ${signal ?? 'none'}); see ${logFile}`);
        reject(reason);
        for (const waiting of this.pending.values()) waiting.reject(reason);
        this.pending.clear();
      });
    });
    // A rejected start is reported by whoever awaits ready; an unobserved one must not crash the bench.
    this.ready.catch(() => undefined);
  }

  /** Given the options, spawns the child (tsx, then the production preload), pinned with taskset when a CPU list is given. */
  static start(options: ChildOptions): BenchChild {
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    const log = fs.openSync(options.logFile, 'a');
    const command = [
      process.execPath,
      ...(options.profileDirectory ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDirectory}`] : []),
      '--import',
      'tsx',
      '--import',
      PRODUCTION_PRELOAD,
      path.join(REPOSITORY_ROOT, 'bench', 'children', options.script),
      ...(options.args ?? []),
    ];
    // taskset execs node in place: the pid is node's, and the IPC descriptor is inherited.
    const [file, ...args] = options.cpus === null ? command : ['taskset', '-c', options.cpus, ...command];
    const child = spawn(file!, args, { cwd: REPOSITORY_ROOT, env: options.env, stdio: ['ignore', log, log, 'ipc'] });
    fs.closeSync(log);
    return new BenchChild(options.label, child, options.startTimeoutMs ?? 60_000, options.logFile);
  }

  get pid(): number {
    return this.process.pid!;
  }

  /** The exit of the child, when it has exited: a crash during a run makes that run fail. */
  get exit(): { code: number | null; signal: string | null } | null {
    return this.exited;
  }

  /** Given a method and its argument, calls the child over IPC and returns its answer. */
  call<T>(method: string, argument: unknown = null): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.label} has exited; see ${this.logFile}`));
    const id = this.nextId++;
    const message: ChildCall = { kind: 'call', id, method, argument };
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.process.send(message);
    });
  }

  /** Stops the child with SIGTERM, then SIGKILL if it is still there after a grace period. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ), read once. */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Given a pid, returns the CPU seconds (user + system) it has used so far, or null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Given a pid, returns its resident set size in MiB, or null when it is gone. */
export function residentMegabytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU and memory of a set of processes over a measured window. */
export interface UsageWindow {
  /** Cores used on average: CPU seconds divided by wall seconds. */
  cores: number;
  /** The largest summed resident set seen during the window, in MiB. */
  peakResidentMegabytes: number;
}

/**
 * Given pids, starts watching them: CPU time is read at start and end, resident memory sampled every
 * 250 ms. finish() returns the usage over the window.
 */
export function watchUsage(pids: readonly number[]): { finish(): UsageWindow } {
  const startedAt = process.hrtime.bigint();
  const startCpu = pids.map((pid) => cpuSeconds(pid) ?? 0);
  let peak = 0;
  const sample = () => {
    const total = pids.reduce((sum, pid) => sum + (residentMegabytes(pid) ?? 0), 0);
    peak = Math.max(peak, total);
  };
  sample();
  const timer = setInterval(sample, 250);
  return {
    finish() {
      clearInterval(timer);
      sample();
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const used = pids.reduce((sum, pid, index) => sum + ((cpuSeconds(pid) ?? startCpu[index]!) - startCpu[index]!), 0);
      return { cores: seconds > 0 ? used / seconds : 0, peakResidentMegabytes: peak };
    },
  };
}

/** Given a CPU list ("0", "1", "0-1", "0,2"), returns the CPU numbers it names. */
export function parseCpuList(list: string): number[] {
  return list.split(',').flatMap((part) => {
    const [first, last] = part.split('-').map(Number);
    return Array.from({ length: (last ?? first!) - first! + 1 }, (_, offset) => first! + offset);
  });
}

/** Given CPU numbers, returns their busy and total jiffies so far, from /proc/stat. */
function cpuJiffies(cpus: readonly number[]): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  try {
    for (const line of fs.readFileSync('/proc/stat', 'utf8').split('\n')) {
      const match = /^cpu(\d+) (.*)$/.exec(line);
      if (!match || !cpus.includes(Number(match[1]))) continue;
      const fields = match[2]!.trim().split(/\s+/).map(Number);
      // user nice system idle iowait irq softirq steal: idle and iowait are the time the CPU had nothing to run.
      const sum = fields.slice(0, 8).reduce((a, b) => a + b, 0);
      total += sum;
      busy += sum - fields[3]! - fields[4]!;
    }
  } catch {
    // No /proc/stat: nothing to report.
  }
  return { busy, total };
}

/**
 * Given CPU numbers, starts watching how busy they are; finish() returns the cores' worth of time they were
 * busy over the window, whoever ran on them (the bench's processes and anything else on the machine).
 */
export function watchCpus(cpus: readonly number[]): { finish(): number } {
  const start = cpuJiffies(cpus);
  return {
    finish() {
      const end = cpuJiffies(cpus);
      const total = end.total - start.total;
      return total > 0 ? ((end.busy - start.busy) / total) * cpus.length : 0;
    },
  };
}

import { cpuPerRequest, medianCpu, readCpu } from '../../bench/cpu';
import type { MeasuredProcesses } from '../../bench/cpu';
import { median } from '../../bench/statistics';

const PROCESSES: MeasuredProcesses = {
  gateway: 100,
  subgraphs: { population: 201, land: 202, health: 203, education: 204 },
  database: 300,
  loadGenerator: 400,
};

/** Given CPU seconds by pid, returns a reader of them; a pid it does not know is gone. */
const reader = (seconds: Record<number, number>) => (pid: number) => seconds[pid] ?? null;

describe('readCpu and cpuPerRequest', () => {
  it('counts each process by its own pid, in milliseconds per request, and totals them', () => {
    const before = readCpu(PROCESSES, reader({ 100: 10, 201: 1, 202: 2, 203: 3, 204: 4, 300: 50, 400: 5, 999: 0 }));
    // Another process (pid 999, another database server on the machine, say) spends 100 s: it is never read.
    const after = readCpu(PROCESSES, reader({ 100: 11, 201: 1.5, 202: 2.25, 203: 3.125, 204: 4.125, 300: 50.5, 400: 5.25, 999: 100 }));
    const cpu = cpuPerRequest(before, after, 1000);
    expect(cpu.gateway).toBeCloseTo(1);
    expect(cpu.subgraphs).toEqual({ population: 0.5, land: 0.25, health: 0.125, education: 0.125 });
    expect(cpu.subgraphsTotal).toBeCloseTo(1);
    expect(cpu.database).toBeCloseTo(0.5);
    expect(cpu.loadGenerator).toBeCloseTo(0.25);
    expect(cpu.total).toBeCloseTo(2.75);
  });

  it('has no database figure when the database is no process of its own, and NaN for a process gone or a window without requests', () => {
    const processes = { ...PROCESSES, database: null };
    const before = readCpu(processes, reader({ 100: 1, 201: 1, 202: 1, 203: 1, 204: 1, 400: 1 }));
    const gone = readCpu(processes, reader({ 201: 2, 202: 2, 203: 2, 204: 2, 400: 2 }));
    const cpu = cpuPerRequest(before, gone, 100);
    expect(cpu.database).toBeNull();
    expect(cpu.gateway).toBeNaN();
    expect(cpu.subgraphsTotal).toBeCloseTo(40);
    expect(cpuPerRequest(before, before, 0).subgraphsTotal).toBeNaN();
  });
});

describe('medianCpu', () => {
  it('takes the median of each figure over repetitions', () => {
    const base = cpuPerRequest(
      readCpu(PROCESSES, () => 0),
      readCpu(PROCESSES, () => 1),
      1000,
    );
    const values = [1, 3, 2].map((factor) => ({ ...base, gateway: factor, total: factor * 10, database: factor === 3 ? null : factor }));
    expect(medianCpu(values, median)).toMatchObject({ gateway: 2, total: 20, database: 1.5, subgraphsTotal: 4 });
  });
});

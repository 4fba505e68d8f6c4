import { measureProofCost } from '../../bench/proofCost';
import { proofCostSection } from '../../bench/report';
import type { BenchRun } from '../../bench/results';

describe("the bench's measure of the audit trail's inclusion proofs", () => {
  it('proves a real record in trails of 10^3 and 10^4 records with log2(n) hashes, and reads a page of paths from SQLite', async () => {
    const [small, larger] = await measureProofCost([1_000, 10_000]);
    expect(small).toMatchObject({ records: 1_000, pathHashes: 10 });
    expect(larger).toMatchObject({ records: 10_000, pathHashes: 14 });
    // Each further hash is 64 hex digits, its quotes and a comma: the proof grows with log2(n), not with the trail.
    expect(larger!.proofBytes - small!.proofBytes).toBeGreaterThanOrEqual(4 * 67);
    expect(larger!.proofBytes - small!.proofBytes).toBeLessThan(6 * 67);
    expect(small!.proofBytes).toBeLessThan(4096);
    for (const cost of [small!, larger!])
      for (const micros of [cost.verifyMicros, cost.growMicrosPerRecord, cost.leafMicros]) expect(micros).toBeGreaterThan(0);
    // A leaf commits to each citizen its record names: 500 cost more than three.
    expect(small!.leafManyMicros).toBeGreaterThan(small!.leafMicros);
    expect(small!.storedPageMs).toBeUndefined();
    expect(larger!.storedPageMs).toBeGreaterThan(0);
    expect(larger!.storedGrowMicrosPerRecord).toBeGreaterThan(0);
  }, 60_000);

  it('puts the figures in the report', () => {
    const run = {
      proofCost: [{ records: 1_000_000, pathHashes: 20, proofBytes: 2366, verifyMicros: 940, growMicrosPerRecord: 3.4, leafMicros: 24.2 }],
    } as unknown as BenchRun;
    expect(proofCostSection(run).join('\n')).toContain('| 1,000,000 | 20 | 2366 | 0.94 ms | 3.4 µs | 24.2 µs | – | – | – |');
    const withMany = { proofCost: [{ ...run.proofCost![0]!, leafManyMicros: 2_612 }] } as unknown as BenchRun;
    expect(proofCostSection(withMany).join('\n')).toContain('| 24.2 µs | 2.61 ms | – | – |');
    expect(proofCostSection({} as BenchRun)).toEqual([]);
  });
});

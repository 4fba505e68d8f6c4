import { WriteSpacing } from '../../gateway/audit/writeSpacing';

describe('WriteSpacing', () => {
  it('holds a write while other requests are under way and the last write is recent; never a lone request', () => {
    let now = 100;
    const spacing = new WriteSpacing(2, () => now);
    spacing.requestBegun();
    spacing.writing();
    // One request under way, and it is the one queued: no one to wait for.
    expect(spacing.holdMs(1)).toBe(0);
    spacing.requestBegun();
    expect(spacing.holdMs(1)).toBe(2);
    now = 101.5;
    expect(spacing.holdMs(1)).toBeCloseTo(0.5);
    now = 103;
    expect(spacing.holdMs(1)).toBe(0);
    spacing.requestEnded();
    spacing.requestEnded();
    spacing.requestEnded();
    spacing.writing();
    expect(spacing.holdMs(0)).toBe(0);
  });
});

import { chartModel } from '../../web/console/auditChartModel';
import type { Timeline } from '../../web/console/auditChartModel';

const timeline = (points: Timeline['points']): Timeline => ({
  bucket: 'DAY',
  from: '2026-03-01T00:00:00.000Z',
  to: '2026-03-04T00:00:00.000Z',
  buckets: ['2026-02-28T17:00:00.000Z', '2026-03-01T17:00:00.000Z', '2026-03-02T17:00:00.000Z'],
  points,
  truncated: false,
});

describe('chartModel', () => {
  it('gives every bucket a column, the allowed stacked per agency in the legend order and the denied apart', () => {
    const model = chartModel(
      timeline([
        { start: '2026-02-28T17:00:00.000Z', agencyCode: 'H56.20', requests: 3, denied: 1 },
        { start: '2026-02-28T17:00:00.000Z', agencyCode: null, requests: 1, denied: 0 },
        { start: '2026-03-02T17:00:00.000Z', agencyCode: 'H56.15.01', requests: 5, denied: 5 },
      ]),
    );
    expect(model.agencies).toEqual([null, 'H56.15.01', 'H56.20']);
    expect(model.columns.map((column) => [column.allowed.map((part) => part.count), column.denied, column.total])).toEqual([
      [[1, 0, 2], 1, 4],
      [[0, 0, 0], 0, 0],
      [[0, 0, 0], 5, 5],
    ]);
    expect(model.maximum).toBe(5);
  });

  it('keeps a scale of 1 for a period without records', () => {
    expect(chartModel(timeline([]))).toMatchObject({ agencies: [], maximum: 1 });
  });
});

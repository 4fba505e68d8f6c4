/** The counts over time as the admin API gives them. */
export interface Timeline {
  bucket: 'HOUR' | 'DAY';
  from: string;
  to: string;
  buckets: string[];
  points: Array<{ start: string; agencyCode: string | null; requests: number; denied: number }>;
  truncated: boolean;
}

/** One bucket of the chart: the allowed requests per agency (stacked, in the legend's order) and the denied ones apart. */
export interface ChartColumn {
  start: string;
  allowed: Array<{ agency: string | null; count: number }>;
  denied: number;
  total: number;
}

/** What the chart draws: its agencies in the legend's order, a column per bucket, and the height its scale reaches. */
export interface ChartModel {
  agencies: Array<string | null>;
  columns: ChartColumn[];
  /** The highest bar (allowed stacked, or denied), never below 1, so that an empty period still has a scale. */
  maximum: number;
}

/** Given the counts over time, returns what the chart draws: every bucket of the period, empty ones included. */
export function chartModel(timeline: Timeline): ChartModel {
  const agencies = [...new Set(timeline.points.map((point) => point.agencyCode))].sort((a, b) => (a ?? '').localeCompare(b ?? ''));
  const byBucket = new Map<string, Timeline['points']>();
  for (const point of timeline.points) byBucket.set(point.start, [...(byBucket.get(point.start) ?? []), point]);
  const columns = timeline.buckets.map((start): ChartColumn => {
    const points = byBucket.get(start) ?? [];
    const allowed = agencies.map((agency) => {
      const point = points.find((candidate) => candidate.agencyCode === agency);
      return { agency, count: point ? point.requests - point.denied : 0 };
    });
    const denied = points.reduce((sum, point) => sum + point.denied, 0);
    return { start, allowed, denied, total: points.reduce((sum, point) => sum + point.requests, 0) };
  });
  const maximum = Math.max(
    1,
    ...columns.map((column) =>
      Math.max(
        column.denied,
        column.allowed.reduce((sum, part) => sum + part.count, 0),
      ),
    ),
  );
  return { agencies, columns, maximum };
}

/** Colours told apart by most readers, colour-blind ones included (Okabe and Ito's palette, red kept for denied). */
export const AGENCY_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#56B4E9', '#CC79A7', '#F0E442', '#000000', '#7F7F7F'];
export const DENIED_COLOUR = '#B3261E';

/** Given an agency's place in the legend, returns its colour. */
export const colourOf = (index: number): string => AGENCY_COLOURS[index % AGENCY_COLOURS.length]!;

import { requestSource } from '../../bench/load';
import type { Fixtures } from '../../bench/shapes';
import { SHAPES } from '../../bench/shapes';
import { Random } from '../../db/seed/random';

const FIXTURES: Fixtures = {
  citizenIds: ['038085000001', '038085000002', '038085000003'],
  parcelCommunes: ['40778'],
  residentPages: [{ communeCode: '40778', cursors: ['c1', 'c2', 'c3', 'c4'] }],
  ward: { communeCode: '40778', cursors: ['c1', 'c2', 'c3', 'c4'] },
};

describe('Q5', () => {
  it("never repeats a query text within a target's windows, past the last national ID included", () => {
    const texts: string[] = [];
    let next = 0;
    // A warm-up window and two repetitions, each going on where the one before stopped.
    for (const requests of [4, 5, 3]) {
      const source = requestSource({ shape: 'Q5', headerSets: [], randomSeed: 38, firstSequence: next }, FIXTURES);
      for (let index = 0; index < requests; index += 1) texts.push(source.next().body.query);
      next += source.drawn();
    }
    expect(texts).toHaveLength(12);
    expect(new Set(texts).size).toBe(12);
    expect(texts[3]).toContain('round1: citizen(nationalId: "038085000001")');
  });

  it('draws the same texts for every target: each starts its own sequence at 0', () => {
    const first = requestSource({ shape: 'Q5', headerSets: [], randomSeed: 38, firstSequence: 0 }, FIXTURES);
    const second = requestSource({ shape: 'Q5', headerSets: [], randomSeed: 38, firstSequence: 0 }, FIXTURES);
    expect([first.next(), first.next()]).toEqual([second.next(), second.next()]);
  });
});

describe('Q7 and Q8', () => {
  it("asks the land office's query of a commune's parcels with owners, and a page of the ward's residents", () => {
    const draw = { sequence: 0, random: new Random(38, 1) };
    const q7 = SHAPES.Q7.body(FIXTURES, draw);
    expect(q7.query).toContain('owners { sharePercent owner { nationalId fullName dateOfBirth sex } }');
    expect(q7.variables).toEqual({ communeCode: '40778', first: 50 });
    const pages = new Set(Array.from({ length: 50 }, () => SHAPES.Q8.body(FIXTURES, draw).variables!.after));
    expect(pages).toEqual(new Set([null, 'c1', 'c2', 'c3', 'c4']));
    expect(SHAPES.Q7.caller).toBe('land office');
    expect(SHAPES.Q8.caller).toBe('ward office');
  });
});

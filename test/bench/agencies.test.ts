import { registerBenchCallersIn } from '../../bench/agencies';
import type { Fixtures } from '../../bench/shapes';
import { SHAPES } from '../../bench/shapes';
import type { HeaderSet } from '../../bench/targets/started';
import { Random } from '../../db/seed/random';
import type { SeededPlatform } from '../helpers/platform';
import { startSeededPlatform } from '../helpers/platform';

type Answer = { status: number; body: { data?: Record<string, { nodes: Array<Record<string, unknown>> }>; errors?: Array<{ message: string }> } };

describe("the bench's callers: the land office's masks (Q7) and the ward office's row scope (Q8)", () => {
  let seeded: SeededPlatform;
  let fixtures: Fixtures;
  let otherCommune: string;

  /** Given a body and a caller, posts to the gateway until the policy cache holds the bench's agencies. */
  async function post(body: unknown, headers: HeaderSet): Promise<Answer> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const response = await fetch(seeded.platform.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      const answer = { status: response.status, body: (await response.json()) as Answer['body'] };
      if (answer.status !== 401 && answer.status !== 403) return answer;
      if (Date.now() > deadline) return answer;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  beforeAll(async () => {
    seeded = await startSeededPlatform(2000);
    const communes = (await seeded.databases.databases
      .population('citizens')
      .select({ code: 'current_unit_code' })
      .count({ residents: '*' })
      .groupBy('current_unit_code')
      .orderBy('residents', 'desc')) as Array<{ code: string }>;
    const parcels = (await seeded.databases.databases
      .land('parcels')
      .select({ code: 'commune_code' })
      .count({ parcels: '*' })
      .groupBy('commune_code')
      .orderBy('parcels', 'desc')) as Array<{ code: string }>;
    otherCommune = communes[1]!.code;
    fixtures = { citizenIds: [], parcelCommunes: [parcels[0]!.code], residentPages: [], ward: { communeCode: communes[0]!.code, cursors: [] } };
  }, 120_000);

  afterAll(async () => {
    await seeded?.stop();
  });

  it("registers the land office whose answers carry owners' national IDs and dates of birth masked, and the ward office who sees its ward only", async () => {
    const callers = await registerBenchCallersIn(seeded.databases.databases.gateway, fixtures.ward.communeCode);
    expect(callers.rotation).toHaveLength(4);
    // Registering again adds nothing and gives the same keys.
    expect(await registerBenchCallersIn(seeded.databases.databases.gateway, fixtures.ward.communeCode)).toEqual(callers);

    const draw = { sequence: 0, random: new Random(38, 7) };
    const parcels = await post(SHAPES.Q7.body(fixtures, draw), callers.landOffice);
    expect(parcels.body.errors).toBeUndefined();
    const owners = parcels.body.data!.landParcelsByCommune!.nodes.flatMap(
      (parcel) => parcel.owners as Array<{ owner: { nationalId: string; dateOfBirth: string } }>,
    );
    expect(owners.length).toBeGreaterThan(0);
    for (const { owner } of owners) {
      expect(owner.nationalId).toMatch(/^\d{3}\*{7}\d{2}$/);
      expect(owner.dateOfBirth).toMatch(/^\d{4}$/);
    }

    const residents = await post(SHAPES.Q8.body(fixtures, draw), callers.wardOffice);
    expect(residents.body.errors).toBeUndefined();
    expect(residents.body.data!.citizensByCommune!.nodes.length).toBeGreaterThan(0);
    // Another commune's residents are outside the ward office's scope: they behave as if they did not exist.
    const outside = await post({ ...SHAPES.Q8.body(fixtures, draw), variables: { communeCode: otherCommune, first: 100, after: null } }, callers.wardOffice);
    expect(outside.body.data!.citizensByCommune!.nodes).toEqual([]);
  }, 60_000);
});

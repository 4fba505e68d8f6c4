import { createHash } from 'node:crypto';
import { createLogger } from '../../common/logger';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, startSeededPlatform } from '../helpers/platform';

const CITIZEN = 'query Citizen($id: ID!) { citizen(nationalId: $id) { nationalId fullName dateOfBirth } }';
const BY_NAME = 'query ByName($prefix: String!) { citizensByNamePrefix(prefix: $prefix, first: 5) { nodes { nationalId fullName } } }';

describe('the access log', () => {
  let seeded: SeededPlatform;
  let url: string;
  const lines: Array<Record<string, any>> = [];
  const raw: string[] = [];
  let citizens: Array<{ national_id: string; full_name: string }>;

  /** Given a request id, waits for its access line (written once its audit record is durable) and returns every line with it. */
  const linesOf = async (requestId: string) => {
    for (let attempt = 0; attempt < 100 && !lines.some((line) => line.requestId === requestId); attempt += 1)
      await new Promise((resolve) => setTimeout(resolve, 20));
    return lines.filter((line) => line.requestId === requestId);
  };

  /** Posts a query and returns the answer with the request id the gateway answered with. */
  const post = async (query: string, variables: Record<string, unknown>, headers: Record<string, string>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, requestId: response.headers.get('x-request-id')!, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    const accessLogger = createLogger({
      level: 'info',
      destination: {
        write(line: string) {
          raw.push(line);
          lines.push(JSON.parse(line) as Record<string, any>);
        },
      },
    });
    seeded = await startSeededPlatform(60, { accessLogger });
    url = seeded.platform.gateway.url;
    citizens = await seeded.databases.databases.population('citizens').select('national_id', 'full_name').limit(5);
  });

  afterAll(async () => {
    await seeded?.stop();
  });

  it('writes one line per request: request id, agency, credential, officer, purpose, dossier, operation and hash, outcome, code, latency, audit record', async () => {
    const key = seeded.demoKeys.get('H56.01')!;
    const id = citizens[0]!.national_id;
    const answer = await post(
      CITIZEN,
      { id },
      asAgency(key, 'INVESTIGATION', { 'x-user-id': 'canbo.42', 'x-dossier-id': 'HS-2026/118', 'x-request-id': 'proxy-7f3a.1' }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body.data.citizen.nationalId).toBe(id);
    expect(answer.requestId).toBe('proxy-7f3a.1');
    const [line, ...more] = await linesOf('proxy-7f3a.1');
    expect(more).toHaveLength(0);
    expect(line).toMatchObject({
      level: 30,
      msg: 'request',
      route: '/graphql',
      status: 200,
      agency: 'H56.01',
      credentialId: key.split('_')[1],
      officer: 'canbo.42',
      purpose: 'INVESTIGATION',
      dossier: 'HS-2026/118',
      operationName: 'Citizen',
      operationHash: createHash('sha256').update(CITIZEN).digest('hex'),
      outcome: 'ALLOWED',
      code: null,
    });
    expect(line!.latencyMs).toBeGreaterThan(0);
    // With an outbox (MySQL), the record is durable before the database holds it: have it shipped.
    await seeded.platform.auditLog.indexed();
    const [instance, seq] = String(line!.auditRecord).split(':');
    const record = await seeded.databases.databases
      .gateway('audit_records')
      .where({ instance, seq: Number(seq) })
      .first();
    expect(record).toMatchObject({ agency_code: 'H56.01', user_id: 'canbo.42', dossier_id: 'HS-2026/118', operation_hash: line!.operationHash });
  });

  it('logs refusals too (a bad key, a denied field, a body that is not JSON), each with its code and its audit record', async () => {
    const badKey = await post(CITIZEN, { id: citizens[1]!.national_id }, { authorization: 'Bearer dsp_unknown1_secret' });
    expect(badKey.status).toBe(401);
    expect((await linesOf(badKey.requestId))[0]).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', outcome: 'DENIED', agency: null });
    expect((await linesOf(badKey.requestId))[0]!.auditRecord).toMatch(/^gateway-1:\d+$/);
    const denied = await post(
      CITIZEN.replace('dateOfBirth', 'healthInsurance { benefitLevel }'),
      { id: citizens[1]!.national_id },
      asAgency(seeded.demoKeys.get('H56.20')!, 'LAND_REGISTRATION'),
    );
    expect((await linesOf(denied.requestId))[0]).toMatchObject({ status: 403, code: 'FORBIDDEN', outcome: 'DENIED', agency: 'H56.20' });
    const notJson = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    const notJsonId = notJson.headers.get('x-request-id')!;
    expect((await linesOf(notJsonId))[0]).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });

  it('makes a request id when none is given or the one given is malformed, and returns it', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const given of [undefined, 'x'.repeat(129), 'has space', 'quote"s', 'ümlaut', '038085001234\nforged']) {
      const headers: Record<string, string> = given === undefined ? {} : { 'x-request-id': given.replace('\n', '') };
      const answer = await post('{ __typename }', {}, headers);
      expect(answer.requestId).toMatch(uuid);
      expect(await linesOf(answer.requestId)).toHaveLength(1);
    }
    // The probes answer with an id as well, and are not logged.
    const probe = await fetch(new URL('/health', url));
    expect(probe.headers.get('x-request-id')).toMatch(uuid);
  });

  it('never logs a personal value: national IDs and names sent in variables and returned in answers are in no line', async () => {
    const police = seeded.demoKeys.get('H56.01')!;
    const ids: string[] = [];
    for (const citizen of citizens) {
      const answer = await post(CITIZEN, { id: citizen.national_id }, asAgency(police, 'INVESTIGATION'));
      expect(answer.body.data.citizen.fullName).toBe(citizen.full_name);
      ids.push(answer.requestId);
      const prefix = citizen.full_name.split(' ').slice(0, 2).join(' ');
      const byName = await post(BY_NAME, { prefix }, asAgency(police, 'INVESTIGATION'));
      expect(byName.body.data.citizensByNamePrefix.nodes.length).toBeGreaterThan(0);
      ids.push(byName.requestId);
      // A name and an ID in the operation text itself, and in an operation name.
      const inline = await post(
        `query Q${citizen.national_id} { citizen(nationalId: "${citizen.national_id}") { fullName } }`,
        {},
        asAgency(police, 'INVESTIGATION'),
      );
      ids.push(inline.requestId);
    }
    for (const id of ids) expect(await linesOf(id)).toHaveLength(1);
    const text = raw.join('');
    for (const citizen of citizens) {
      expect(text).not.toContain(citizen.national_id);
      expect(text).not.toContain(citizen.full_name);
      for (const word of citizen.full_name.split(' ').filter((part) => part.length > 3)) expect(text.toLowerCase()).not.toContain(`"${word.toLowerCase()}`);
    }
  });
});

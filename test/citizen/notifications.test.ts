import { AuditRepository } from '../../gateway/audit/auditRepository';
import { CitizenNotifications } from '../../gateway/citizen/citizenNotifications';
import { CITIZEN_SESSION_COOKIE } from '../../gateway/citizen/citizenRoutes';
import { NotificationRepository } from '../../gateway/citizen/notificationRepository';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, startSeededPlatform } from '../helpers/platform';

jest.setTimeout(120_000);

type Body = { data?: Record<string, unknown>; errors?: Array<{ message: string; extensions?: { code?: string } }> } & Record<string, unknown>;
interface Notification {
  id: string;
  nationalId: string;
  reference: string;
  at: string;
  agencyCode: string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

describe("the citizens' notifications of new accesses", () => {
  let seeded: SeededPlatform;
  let alice: string;
  let bob: string;
  const cookies = new Map<string, { cookie: string; csrf: string }>();

  const url = (path: string) => new URL(path, seeded.platform.gateway.url).href;
  const readCitizen = async (agencyCode: string, purpose: string, nationalId: string) => {
    const response = await fetch(url('/graphql'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asAgency(seeded.demoKeys.get(agencyCode)!, purpose as never) },
      body: JSON.stringify({ query: 'query ($id: ID!) { citizen(nationalId: $id) { fullName } }', variables: { id: nationalId } }),
    });
    expect(response.status).toBe(200);
  };
  const choose = async (nationalId: string, notify: unknown, csrf = cookies.get(nationalId)!.csrf) => {
    const response = await fetch(url('/citizen/api/notifications'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookies.get(nationalId)!.cookie, 'x-csrf-token': csrf },
      body: JSON.stringify({ notify }),
    });
    return { status: response.status, body: (await response.json()) as Body };
  };
  const admin = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(url('/admin'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.demoKeys.get('H56.10')!}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Body;
  };
  const pending = async () => {
    await seeded.platform.auditLog.indexed();
    const body = await admin('{ citizenNotifications(first: 500) { id nationalId reference at agencyCode } }');
    expect(body.errors).toBeUndefined();
    return body.data!.citizenNotifications as Notification[];
  };

  beforeAll(async () => {
    seeded = await startSeededPlatform(30);
    const [first, second] = (await seeded.databases.databases.population('citizens').orderBy('national_id').limit(2)) as Array<{ national_id: string }>;
    alice = first!.national_id;
    bob = second!.national_id;
    for (const nationalId of [alice, bob]) {
      const opened = await seeded.platform.citizenSessions.open(nationalId);
      cookies.set(nationalId, { cookie: `${CITIZEN_SESSION_COOKIE}=${opened.token}`, csrf: opened.session.csrfToken });
    }
  });
  afterAll(async () => {
    await seeded?.stop();
  });

  it('is off until the citizen opts in, and the choice is theirs alone, with the CSRF token', async () => {
    const read = async (nationalId: string) =>
      ((await (await fetch(url('/citizen/api/notifications'), { headers: { cookie: cookies.get(nationalId)!.cookie } })).json()) as { notify: boolean }).notify;
    expect(await read(alice)).toBe(false);
    expect((await choose(alice, true, 'not-the-token')).status).toBe(403);
    expect((await choose(alice, 'yes')).status).toBe(400);
    expect(await read(alice)).toBe(false);
    expect((await choose(alice, true)).body).toEqual({ notify: true });
    expect([await read(alice), await read(bob)]).toEqual([true, false]);
  });

  it('writes one notification per access to an opted-in citizen, none for others or for their own copy', async () => {
    await readCitizen('H56.20', 'LAND_REGISTRATION', alice);
    await readCitizen('H56.20', 'LAND_REGISTRATION', bob);
    await fetch(url('/citizen/api/copy'), { headers: { cookie: cookies.get(alice)!.cookie } });
    const notifications = await pending();
    expect(notifications.map((notification) => [notification.nationalId, notification.agencyCode])).toEqual([[alice, 'H56.20']]);
    const [instance, seq] = notifications[0]!.reference.split(':');
    expect(notifications[0]!.id).toBe(`${instance}:${seq}:${alice}`);
    const record = (await seeded.databases.databases
      .gateway('audit_records')
      .where({ instance, seq: Number(seq) })
      .first()) as { citizen_ids_json: string };
    expect(JSON.parse(record.citizen_ids_json)).toEqual([alice]);
  });

  it('gives a notification again until it is acknowledged, and indexing a record again notifies no one twice', async () => {
    const before = await pending();
    expect(await pending()).toEqual(before);
    const [instance, seq] = before[0]!.reference.split(':');
    // A second indexer over the same range (a reader catching up): the index's keys refuse it, nothing is added.
    await new AuditRepository(seeded.databases.databases.gateway).indexRecords(instance!, Number(seq), Number(seq));
    expect(await pending()).toEqual(before);
    const acknowledged = await admin('mutation ($ids: [ID!]!) { acknowledgeCitizenNotifications(ids: $ids) }', { ids: before.map((n) => n.id) });
    expect(acknowledged.data).toEqual({ acknowledgeCitizenNotifications: before.length });
    expect(await pending()).toEqual([]);
    const twice = await admin('mutation ($ids: [ID!]!) { acknowledgeCitizenNotifications(ids: $ids) }', { ids: before.map((n) => n.id) });
    expect(twice.data).toEqual({ acknowledgeCitizenNotifications: 0 });
    const malformed = await admin('mutation { acknowledgeCitizenNotifications(ids: ["nope"]) }');
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("tells of a deferred agency's access only from the day the citizen's page shows it", async () => {
    await readCitizen('H56.01', 'INVESTIGATION', alice);
    expect(await pending()).toEqual([]);
    const outbox = (days: number) =>
      new CitizenNotifications({
        repository: new NotificationRepository(seeded.databases.databases.gateway),
        deferredAgencies: ['H56.01'],
        deferralDays: 90,
        now: () => new Date(Date.now() + days * DAY_MS),
      });
    expect(await outbox(89).pending()).toEqual([]);
    const due = await outbox(91).pending();
    expect(due.map((notification) => [notification.nationalId, notification.agencyCode])).toEqual([[alice, 'H56.01']]);
  });

  it('stops once the citizen opts out', async () => {
    expect((await choose(alice, false)).body).toEqual({ notify: false });
    await readCitizen('H56.20', 'LAND_REGISTRATION', alice);
    expect(await pending()).toEqual([]);
  });

  it('is read by stewards only', async () => {
    const response = await fetch(url('/admin'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${seeded.demoKeys.get('H56.20')!}` },
      body: JSON.stringify({ query: '{ citizenNotifications { id } }' }),
    });
    expect(response.status).toBe(403);
  });
});

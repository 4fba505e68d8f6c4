import { createHash } from 'node:crypto';
import http from 'node:http';
import { totpCode } from '../../gateway/console/totp';
import type { CookieJar, DemoGateway } from '../helpers/citizenPortal';
import { signInAsCitizen, startDemoGateway } from '../helpers/citizenPortal';

jest.setTimeout(120_000);

interface Access {
  reference: string;
  agencyCode: string;
  agencyName: string;
  purpose: string | null;
  purposeWords: { vi: string; en: string } | null;
  dossierId: string | null;
  dataRead: Array<{ vi: string; en: string }>;
}

type Body = { errors?: Array<{ extensions?: { code?: string } }> } & Record<string, unknown>;

const codeOf = (body: Body) => body.errors?.[0]?.extensions?.code;

describe("the citizens' page", () => {
  let gateway: DemoGateway;
  let alice: { jar: CookieJar; nationalId: string; csrf: string };
  let bob: { jar: CookieJar; nationalId: string; csrf: string };
  let aliceParcel: { commune_code: string; map_sheet_number: number; parcel_number: number };

  /** Given an agency, a purpose and an operation, asks the gateway as that agency's application does. */
  const asAgency = async (agencyCode: string, purpose: string, query: string, variables: Record<string, unknown>, dossier: string) => {
    const response = await fetch(new URL('/graphql', gateway.base), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${gateway.apiKeys.get(agencyCode)!}`,
        'x-purpose': purpose,
        'x-dossier-id': dossier,
        'x-user-id': 'canbo.01',
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as Body;
    expect(body.errors).toBeUndefined();
    return body;
  };
  const api = async (who: { jar: CookieJar }, path: string, init: RequestInit = {}) => {
    const response = await who.jar.fetch(new URL(path, gateway.base).href, init);
    return { status: response.status, body: (await response.json()) as Body };
  };
  const signedIn = async (nationalId: string | null) => {
    const { jar, nationalId: chosen } = await signInAsCitizen(gateway.base, nationalId);
    const session = (await (await jar.fetch(new URL('/citizen/api/session', gateway.base).href)).json()) as { csrfToken: string; nationalId: string };
    expect(session.nationalId).toBe(chosen);
    return { jar, nationalId: chosen, csrf: session.csrfToken };
  };

  let auditorSignedIn: Promise<{ cookie: string; csrf: string }> | null = null;
  /** The demo auditor's console session, opened once: a TOTP code signs in once. */
  const auditorSession = () =>
    (auditorSignedIn ??= (async () => {
      const auditor = gateway.stewards.get('AUDITOR')!;
      const signIn = await fetch(new URL('/console/api/sign-in', gateway.base), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: auditor.email, password: auditor.password, code: totpCode(auditor.totpSecret) }),
      });
      expect(signIn.status).toBe(200);
      return { cookie: signIn.headers.getSetCookie()[0]!.split(';')[0]!, csrf: ((await signIn.json()) as { csrfToken: string }).csrfToken };
    })());

  beforeAll(async () => {
    gateway = await startDemoGateway(60);
    const land = gateway.databases.databases.land;
    const owned = (await land('ownership_shares as o')
      .join('parcels as p', 'p.id', 'o.parcel_id')
      .select('o.national_id', 'p.commune_code', 'p.map_sheet_number', 'p.parcel_number')
      .orderBy('o.national_id')
      .first()) as { national_id: string; commune_code: string; map_sheet_number: number; parcel_number: number };
    aliceParcel = owned;
    alice = await signedIn(owned.national_id);
    const other = (await gateway.databases.databases
      .population('citizens')
      .whereNot('national_id', owned.national_id)
      .orderBy('national_id')
      .first('national_id')) as {
      national_id: string;
    };
    bob = await signedIn(other.national_id);
    const citizen = 'query ($id: ID!) { citizen(nationalId: $id) { fullName dateOfBirth } }';
    await asAgency('H56.20', 'LAND_REGISTRATION', citizen, { id: alice.nationalId }, 'HS-2026-0001');
    await asAgency('H56.15.01', 'MEDICAL_TREATMENT', 'query ($id: ID!) { citizen(nationalId: $id) { fullName sex } }', { id: alice.nationalId }, 'BA-77');
    await asAgency('H56.20', 'LAND_REGISTRATION', citizen, { id: bob.nationalId }, 'HS-2026-0002');
    // The police's read, deferred by law (AUDIT_DEFERRED_AGENCIES H56.01, 90 days).
    await asAgency(
      'H56.01',
      'INVESTIGATION',
      'query ($c: String!, $m: Int!, $p: Int!) { landParcel(communeCode: $c, mapSheetNumber: $m, parcelNumber: $p) { owners { sharePercent owner { nationalId } } } }',
      { c: aliceParcel.commune_code, m: aliceParcel.map_sheet_number, p: aliceParcel.parcel_number },
      'DT-01',
    );
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it("shows the citizen who read their data, in plain words, and not the police's deferred read", async () => {
    const { status, body } = await api(alice, '/citizen/api/accesses');
    expect(status).toBe(200);
    const accesses = body.accesses as Access[];
    expect(accesses.map((access) => [access.agencyName, access.purposeWords?.vi, access.dossierId])).toEqual([
      ['Bệnh viện Đa khoa tỉnh Thanh Hóa', 'Khám bệnh, chữa bệnh', 'BA-77'],
      ['Văn phòng Đăng ký đất đai tỉnh Thanh Hóa', 'Đăng ký đất đai', 'HS-2026-0001'],
    ]);
    expect(accesses[1]!.dataRead.map((words) => words.vi)).toEqual(expect.arrayContaining(['Họ và tên', 'Ngày sinh']));
    expect(accesses.some((access) => access.agencyCode === 'H56.01')).toBe(false);
    // The police's read is in the trail, with this citizen's ID: hidden by the deferral, not missing.
    const policeRecords = await gateway.databases.databases
      .gateway('audit_citizens as c')
      .join('audit_records as r', (join) => join.on('r.instance', 'c.instance').andOn('r.seq', 'c.seq'))
      .where({ 'c.national_id': alice.nationalId, 'r.agency_code': 'H56.01' })
      .count({ count: '*' });
    expect(Number(policeRecords[0]!.count)).toBe(1);
    const session = await api(alice, '/citizen/api/session');
    expect(session.body.deferral).toEqual({ agencies: ['Công an tỉnh Thanh Hóa'], days: 90 });
    expect(session.body.purposes).toContainEqual({ code: 'INVESTIGATION', words: { vi: 'Điều tra', en: 'Investigation' } });
  });

  it('filters by agency, purpose and period, and pages', async () => {
    const byAgency = await api(alice, '/citizen/api/accesses?agency=H56.15.01');
    expect((byAgency.body.accesses as Access[]).map((access) => access.agencyCode)).toEqual(['H56.15.01']);
    const byPurpose = await api(alice, '/citizen/api/accesses?purpose=LAND_REGISTRATION');
    expect((byPurpose.body.accesses as Access[]).map((access) => access.dossierId)).toEqual(['HS-2026-0001']);
    const future = await api(alice, '/citizen/api/accesses?from=2100-01-01');
    expect(future.body.accesses).toEqual([]);
    const first = await api(alice, '/citizen/api/accesses?first=1');
    expect((first.body.accesses as Access[]).length).toBe(1);
    const next = await api(
      alice,
      `/citizen/api/accesses?first=1&after=${encodeURIComponent(String((first.body.pageInfo as { endCursor: string }).endCursor))}`,
    );
    expect((next.body.accesses as Access[]).map((access) => access.dossierId)).toEqual(['HS-2026-0001']);
    for (const query of [
      'purpose=NOTHING',
      'after=garbage',
      'first=abc',
      'first=100000',
      'from=yesterday',
      'from=2026-12-02&to=2026-12-01',
      `agency=${'x'.repeat(41)}`,
    ]) {
      const bad = await api(alice, `/citizen/api/accesses?${query}`);
      expect([query, bad.status, codeOf(bad.body)]).toEqual([query, 400, 'BAD_USER_INPUT']);
    }
  });

  it("gives no citizen another's log, by any parameter, header or path", async () => {
    const bobsOwn = ((await api(bob, '/citizen/api/accesses')).body.accesses as Access[]).map((access) => access.dossierId);
    expect(bobsOwn).toEqual(['HS-2026-0002']);
    for (const path of [
      `/citizen/api/accesses?nationalId=${alice.nationalId}`,
      `/citizen/api/accesses?citizen=${alice.nationalId}&national_id=${alice.nationalId}`,
    ]) {
      expect(((await api(bob, path)).body.accesses as Access[]).map((access) => access.dossierId)).toEqual(['HS-2026-0002']);
    }
    const withHeaders = await api(bob, '/citizen/api/accesses', { headers: { 'x-national-id': alice.nationalId, 'x-user-id': alice.nationalId } });
    expect((withHeaders.body.accesses as Access[]).map((access) => access.dossierId)).toEqual(['HS-2026-0002']);
    const requests = await api(bob, `/citizen/api/requests?nationalId=${alice.nationalId}`);
    expect(requests.body.requests).toEqual([]);
  });

  it("refuses a forged cookie, the session id in place of its secret, the stewards' cookie and no cookie", async () => {
    const aliceToken = alice.jar.cookies.get('dsp_citizen_session')!;
    const storedId = createHash('sha256').update(aliceToken).digest('hex');
    for (const cookie of [
      'dsp_citizen_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      `dsp_citizen_session=${storedId}`,
      `dsp_session=${aliceToken}`,
      `dsp_citizen_session=${aliceToken}x`,
      '',
    ]) {
      const response = await fetch(new URL('/citizen/api/accesses', gateway.base), { headers: { cookie } });
      expect([response.status, codeOf((await response.json()) as Body)]).toEqual([401, 'UNAUTHENTICATED']);
    }
  });

  it('keeps the bearer-token endpoint closed to a session cookie, an API key and a forged token', async () => {
    const query = JSON.stringify({ query: '{ myDataAccess { nodes { reference } } }' });
    const post = (headers: Record<string, string>) =>
      fetch(new URL('/citizen', gateway.base), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: query });
    const attempts: Array<Record<string, string>> = [
      { cookie: alice.jar.header() },
      { authorization: `Bearer ${gateway.apiKeys.get('H56.20')!}` },
      { authorization: `Bearer ${alice.jar.cookies.get('dsp_citizen_session')!}` },
      { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIwMzgwODUwMDEyMzQifQ.' },
    ];
    for (const headers of attempts) {
      const response = await post(headers);
      expect([response.status, codeOf((await response.json()) as Body)]).toEqual([401, 'UNAUTHENTICATED']);
    }
  });

  it("lets a citizen contest their own access only, with the CSRF token, and lands it in the console's queue", async () => {
    const [landAccess] = (await api(alice, '/citizen/api/accesses?agency=H56.20')).body.accesses as Access[] as [Access];
    const contest = (who: { jar: CookieJar }, csrf: string | null, reference: string) =>
      api(who, '/citizen/api/requests', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: JSON.stringify({ kind: 'DISPUTE', message: 'Tôi không có hồ sơ đất đai nào', recordReference: reference }),
      });
    expect([(await contest(alice, null, landAccess.reference)).status]).toEqual([403]);
    expect([(await contest(alice, bob.csrf, landAccess.reference)).status]).toEqual([403]);
    const foreign = await contest(bob, bob.csrf, landAccess.reference);
    expect([foreign.status, codeOf(foreign.body)]).toEqual([404, 'NOT_FOUND']);
    const malformed = await contest(alice, alice.csrf, 'nothing');
    expect([malformed.status, codeOf(malformed.body)]).toEqual([400, 'BAD_USER_INPUT']);
    const made = await contest(alice, alice.csrf, landAccess.reference);
    expect(made.status).toBe(201);
    const created = made.body.request as { id: number; status: string; receivedAt: string; dueAt: string; workingDaysLeft: number };
    expect(created.status).toBe('OPEN');
    expect(Date.parse(created.dueAt)).toBeGreaterThan(Date.parse(created.receivedAt) + 24 * 60 * 60 * 1000);
    expect(((await api(bob, '/citizen/api/requests')).body.requests as unknown[]).length).toBe(0);

    // The auditor's queue in the console: the request, its deadline, and the answer the citizen then sees.
    const { cookie: stewardCookie, csrf: stewardCsrf } = await auditorSession();
    const queue = await fetch(new URL('/console/api/citizen-requests', gateway.base), { headers: { cookie: stewardCookie } });
    const queued = ((await queue.json()) as { requests: Array<{ id: number; nationalId: string; kind: string; recordReference: string }> }).requests;
    expect(queued).toEqual([
      expect.objectContaining({ id: created.id, nationalId: alice.nationalId, kind: 'DISPUTE', recordReference: landAccess.reference, agencyCode: 'H56.20' }),
    ]);
    // A citizen's session is no steward's.
    const asCitizen = await fetch(new URL('/console/api/citizen-requests', gateway.base), { headers: { cookie: alice.jar.header() } });
    expect(asCitizen.status).toBe(401);
    const answer = (csrf: string) =>
      fetch(new URL('/console/api/citizen-requests/answer', gateway.base), {
        method: 'POST',
        headers: { cookie: stewardCookie, 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ id: created.id, answer: 'Văn phòng đăng ký đất đai xác nhận đã tra cứu nhầm; đã nhắc nhở cán bộ.' }),
      });
    expect((await answer('wrong')).status).toBe(403);
    expect((await answer(stewardCsrf)).status).toBe(200);
    expect((await answer(stewardCsrf)).status).toBe(409);
    const seen = (await api(alice, '/citizen/api/requests')).body.requests as Array<{ status: string; answer: string }>;
    expect(seen).toEqual([expect.objectContaining({ status: 'ANSWERED', answer: expect.stringContaining('tra cứu nhầm') })]);
  });

  it('records rights requests with their deadline, and refuses an unknown kind', async () => {
    const owners = new Map(
      ((await gateway.databases.databases.gateway('agencies').whereNotNull('sector').select('code', 'sector')) as Array<{ code: string; sector: string }>).map(
        (row) => [row.sector, row.code],
      ),
    );
    const session = (await api(bob, '/citizen/api/session')).body as { dataConcerned: Array<{ value: string; sector: string }> };
    expect(session.dataConcerned).toEqual(expect.arrayContaining([expect.objectContaining({ value: 'Citizen.fullName', sector: 'population' })]));
    const concerns: Record<string, string | undefined> = { CORRECTION: 'Citizen.fullName', RESTRICTION: 'land', OBJECTION: 'health' };
    const routed: Record<string, unknown> = {};
    for (const kind of ['COPY', 'CORRECTION', 'RESTRICTION', 'OBJECTION', 'COMPLAINT']) {
      const made = await api(bob, '/citizen/api/requests', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': bob.csrf },
        body: JSON.stringify({ kind, message: `Yêu cầu ${kind}`, ...(concerns[kind] ? { concerns: concerns[kind] } : {}) }),
      });
      expect(made.status).toBe(201);
      routed[kind] = (made.body.request as { agencyCode: string | null }).agencyCode;
    }
    // Corrections, restrictions and objections go to the owner of the data; a copy and a complaint to the province's office.
    expect(routed).toEqual({
      COPY: null,
      CORRECTION: owners.get('population'),
      RESTRICTION: owners.get('land'),
      OBJECTION: owners.get('health'),
      COMPLAINT: null,
    });
    expect(owners.get('population')).toEqual(expect.any(String));
    const unnamed = await api(bob, '/citizen/api/requests', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': bob.csrf },
      body: JSON.stringify({ kind: 'CORRECTION', message: 'Sai tên' }),
    });
    expect([unnamed.status, codeOf(unnamed.body)]).toEqual([400, 'BAD_USER_INPUT']);
    const unknown = await api(bob, '/citizen/api/requests', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': bob.csrf },
      body: JSON.stringify({ kind: 'DELETE_EVERYTHING', message: 'x' }),
    });
    expect([unknown.status, codeOf(unknown.body)]).toEqual([400, 'BAD_USER_INPUT']);
    for (const body of ['not json', '[1]', JSON.stringify({ kind: 'COPY', message: 'x'.repeat(20_000) })]) {
      const refused = await api(bob, '/citizen/api/requests', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': bob.csrf },
        body,
      });
      expect([refused.status, codeOf(refused.body)]).toEqual([400, 'BAD_USER_INPUT']);
    }
    const unknownPath = await api(bob, '/citizen/api/requests/1');
    expect([unknownPath.status, codeOf(unknownPath.body)]).toEqual([404, 'NOT_FOUND']);
    expect(((await api(bob, '/citizen/api/requests')).body.requests as Array<{ kind: string }>).map((request) => request.kind).sort()).toEqual([
      'COMPLAINT',
      'COPY',
      'CORRECTION',
      'OBJECTION',
      'RESTRICTION',
    ]);
  });

  it("shows an agency's steward its own agency's requests only, refuses another's by id with 403 OUTSIDE_STEWARD_QUEUE, and the province's office all", async () => {
    const db = gateway.databases.databases.gateway;
    const auditor = gateway.stewards.get('AUDITOR')!;
    const { cookie, csrf } = await auditorSession();
    type Queued = { id: number; kind: string; agencyCode: string | null; status: string };
    const queue = async () =>
      ((await (await fetch(new URL('/console/api/citizen-requests?status=OPEN', gateway.base), { headers: { cookie } })).json()) as { requests: Queued[] })
        .requests;
    const answer = (id: number) =>
      fetch(new URL('/console/api/citizen-requests/answer', gateway.base), {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ id, answer: 'Đã xử lý' }),
      });
    const link = (agencyCode: string | null) => db('steward_accounts').where('email', auditor.email).update({ agency_code: agencyCode });
    try {
      const everything = await queue();
      expect(everything.map((request) => request.kind).sort()).toEqual(['COMPLAINT', 'COPY', 'CORRECTION', 'OBJECTION', 'RESTRICTION']);
      const land = everything.find((request) => request.kind === 'RESTRICTION')!;
      await link(land.agencyCode);
      expect((await queue()).map((request) => request.id)).toEqual([land.id]);
      for (const other of everything.filter((request) => request.id !== land.id)) {
        const refused = await answer(other.id);
        expect([refused.status, ((await refused.json()) as Body).errors?.[0]?.extensions?.code]).toEqual([403, 'OUTSIDE_STEWARD_QUEUE']);
      }
      await link(null);
      expect((await queue()).length).toBe(everything.length);
      await link(land.agencyCode);
      expect((await answer(land.id)).status).toBe(200);
      await link(null);
      expect((await queue()).map((request) => request.kind).sort()).toEqual(['COMPLAINT', 'COPY', 'CORRECTION', 'OBJECTION']);
    } finally {
      await link(null);
    }
  });

  it('sends a browser that came by another name to the address the development provider lives at', async () => {
    const port = new URL(gateway.base).port;
    // fetch() will not set Host: a plain HTTP request, as a browser at http://localhost sends it.
    const answer = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port, path: '/citizen/sign-in', headers: { host: `localhost:${port}` } }, resolve).on('error', reject),
    );
    answer.resume();
    expect([answer.statusCode, answer.headers.location]).toEqual([302, `http://127.0.0.1:${port}/citizen/sign-in`]);
    expect(answer.headers['set-cookie'] ?? []).toEqual([]);
  });

  it('refuses a callback without the sign-in under way, or with another state', async () => {
    const bare = await fetch(new URL('/citizen/callback?code=abc&state=def', gateway.base), { redirect: 'manual' });
    expect([bare.status, codeOf((await bare.json()) as Body)]).toEqual([401, 'UNAUTHENTICATED']);
    const pending = Buffer.from(JSON.stringify({ verifier: 'v'.repeat(43), state: 'expected', nonce: 'n' })).toString('base64url');
    const other = await fetch(new URL('/citizen/callback?code=abc&state=other', gateway.base), {
      redirect: 'manual',
      headers: { cookie: `dsp_citizen_sign_in=${pending}` },
    });
    expect([other.status, codeOf((await other.json()) as Body)]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('ends a session on sign-out, which then opens nothing', async () => {
    const carol = await signedIn(null);
    expect((await api(carol, '/citizen/api/sign-out', { method: 'POST' })).status).toBe(403);
    const token = carol.jar.cookies.get('dsp_citizen_session')!;
    expect((await api(carol, '/citizen/api/sign-out', { method: 'POST', headers: { 'x-csrf-token': carol.csrf } })).status).toBe(200);
    const after = await fetch(new URL('/citizen/api/accesses', gateway.base), { headers: { cookie: `dsp_citizen_session=${token}` } });
    expect(after.status).toBe(401);
  });
});

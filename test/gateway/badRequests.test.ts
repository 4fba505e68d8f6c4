import { getIntrospectionQuery } from 'graphql';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, createFullAccessAgency, startSeededPlatform } from '../helpers/platform';

/** A fragment F0 spreading F1 twice, F1 spreading F2 twice, …: 1.6 KB at 30 levels, 2^30 fields written out. */
function fragmentExplosion(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, level) => `fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`);
  return `query Boom { ...F0 } ${fragments.join(' ')} fragment F${levels} on Query { __typename }`;
}

const SIMPLE = '{ schoolsByCommune(communeCode: "40778", first: 1) { nodes { code } } }';

interface Answer {
  status: number;
  text: string;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } | null;
}

describe('bad requests at the gateway', () => {
  let seeded: SeededPlatform;
  let url: string;
  let agencyHeaders: Record<string, string>;

  const send = async (init: { path?: string; body: string; contentType?: string; headers?: Record<string, string> }): Promise<Answer> => {
    const response = await fetch(new URL(init.path ?? '/graphql', url), {
      method: 'POST',
      headers: { 'content-type': init.contentType ?? 'application/json', ...init.headers },
      body: init.body,
    });
    const text = await response.text();
    let body: Answer['body'] = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    return { status: response.status, text, body };
  };
  const query = (document: string, extra: Record<string, unknown> = {}) => JSON.stringify({ query: document, ...extra });

  /** Resolves with the audit trail's last seq once no record has come for a moment: earlier requests are all in. */
  async function settledSeq(): Promise<number> {
    const log = seeded.platform.auditLog;
    let seq = log.chainHead().seq;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (log.chainHead().seq === seq) return seq;
      seq = log.chainHead().seq;
    }
  }

  /** Given the seq before a request, resolves with how many records it left: waits for the first, then a moment more. */
  async function recordsAfter(from: number): Promise<number> {
    const log = seeded.platform.auditLog;
    const deadline = Date.now() + 5000;
    while (log.chainHead().seq === from && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    // A second record for the same request would follow at once: give it the time to show.
    await new Promise((resolve) => setTimeout(resolve, 150));
    return log.chainHead().seq - from;
  }

  async function lastRecord(): Promise<{ outcome: string; error_code: string | null; agency_code: string | null }> {
    await seeded.platform.auditLog.indexed();
    return seeded.databases.databases.gateway('audit_records').orderBy('seq', 'desc').first();
  }

  beforeAll(async () => {
    seeded = await startSeededPlatform(60);
    url = seeded.platform.gateway.url;
    agencyHeaders = asAgency(await createFullAccessAgency(seeded.platform.stewardship), 'STATISTICS');
    // Warm the gateway up, its answers and its refusals, so that the timings below are of the request, not of the
    // first compilation of the code on its path.
    for (let round = 0; round < 3; round += 1) {
      await postGraphQL(url, SIMPLE);
      await send({ body: query(fragmentExplosion(20)) });
    }
  });

  afterAll(async () => {
    await seeded?.stop();
  });

  describe('a fragment explosion', () => {
    // Both run in this process, gateway and client: the CPU they take is what the refusal costs, whatever else
    // the machine is doing; wall-clock bounds are left loose for a busy machine (each level doubled the old cost:
    // 22 levels took 23 s, 30 would take hours).
    it.each([30, 60])('of %i levels is refused with its cost in under 100 ms of CPU', async (levels) => {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const answer = await send({ body: query(fragmentExplosion(levels)) });
      const used = process.cpuUsage(cpu);
      expect(answer.status).toBe(400);
      expect(answer.body!.errors!.map((error) => error.extensions)).toEqual([
        { code: 'QUERY_TOO_COMPLEX', limit: 'cost', maximum: 20000, found: levels === 30 ? 2 ** 30 : Number.MAX_SAFE_INTEGER },
      ]);
      expect((used.user + used.system) / 1000).toBeLessThan(100);
      expect(performance.now() - started).toBeLessThan(1000);
    });

    it('does not delay a simple query sent at the same time', async () => {
      const started = performance.now();
      const timed = <T>(promise: Promise<T>) => promise.then((answer) => ({ answer, ms: performance.now() - started }));
      const [thirty, sixty, simple] = await Promise.all([
        timed(send({ body: query(fragmentExplosion(30)) })),
        timed(send({ body: query(fragmentExplosion(60)) })),
        timed(postGraphQL(url, SIMPLE)),
      ]);
      expect([thirty.answer.status, sixty.answer.status]).toEqual([400, 400]);
      expect(simple.answer.errors).toBeUndefined();
      expect(simple.answer.data!.schoolsByCommune.nodes).toHaveLength(1);
      expect(simple.ms).toBeLessThan(1000);
    });

    it('spread below a field, with aliases, is refused for its aliases and cost', async () => {
      const fragments = Array.from({ length: 30 }, (_, level) => `fragment S${level} on School { a${level}: code ...S${level + 1} ...S${level + 1} }`);
      const answer = await send({ body: query(`{ school(code: "x") { ...S0 } } ${fragments.join(' ')} fragment S30 on School { name }`) });
      expect(answer.status).toBe(400);
      expect(answer.body!.errors!.map((error) => error.extensions!.limit)).toEqual(['aliases', 'cost']);
    });
  });

  it('counts the depth of fields: two levels inside twelve inline fragments are answered', async () => {
    const nested = `${'... on Query { '.repeat(12)}schoolsByCommune(communeCode: "40778", first: 1) { nodes { code } }${' }'.repeat(12)}`;
    const answer = await postGraphQL(url, `{ ${nested} }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.status).toBe(200);
  });

  const longDocument = `{ ${'a: __typename '.repeat(3000)}}`;
  it.each([
    ['a syntax error', { body: query('{ schools(') }, 400, 'GRAPHQL_PARSE_FAILED', /^Syntax Error: Expected Name, found <EOF>\.$/],
    [
      'a lone surrogate in a string',
      { body: '{"query":"{ school(code: \\"\\ud800\\") { name } }"}' },
      400,
      'GRAPHQL_PARSE_FAILED',
      /Invalid character within String: U\+D800/,
    ],
    ['a document over the token limit', { body: query(longDocument) }, 400, 'QUERY_TOO_COMPLEX', /more than 5000 tokens, the limit \(QUERY_MAX_TOKENS\)/],
    [
      'an unknown operationName',
      { body: query('query A { __typename }', { operationName: 'B' }) },
      400,
      'OPERATION_RESOLUTION_FAILURE',
      /no operation named "B"/,
    ],
    [
      'several operations and no operationName',
      { body: query('query A { __typename } query B { __typename }') },
      400,
      'OPERATION_RESOLUTION_FAILURE',
      /2 operations: name the one to run/,
    ],
    ['an unknown field', { body: query('{ schol { name } }') }, 400, 'GRAPHQL_VALIDATION_FAILED', /^Cannot query field "schol" on type "Query"\.$/],
    ['a body that is not JSON', { body: '{bad json' }, 400, 'BAD_REQUEST', /not valid JSON/],
    ['a body of another content type', { body: '{ __typename }', contentType: 'text/plain' }, 400, 'BAD_REQUEST', /./],
    ['a batch', { body: JSON.stringify([{ query: '{ __typename }' }]) }, 400, 'BAD_REQUEST', /./],
    ['variables that are not an object', { body: query('{ __typename }', { variables: 3 }) }, 400, 'BAD_REQUEST', /variables/],
    ['no query', { body: JSON.stringify({ variables: {} }) }, 400, 'BAD_REQUEST', /query/],
    [
      'a persisted query of another version',
      { body: JSON.stringify({ extensions: { persistedQuery: { version: 2, sha256Hash: 'abc' } } }) },
      400,
      'BAD_REQUEST',
      /^Unsupported persisted query version$/,
    ],
    [
      'a persisted query that is not an object',
      { body: query('{ __typename }', { extensions: { persistedQuery: 'x' } }) },
      400,
      'BAD_REQUEST',
      /^Unsupported persisted query version$/,
    ],
    [
      "an agency's persisted query whose hash is not the query's",
      { body: query('{ __typename }', { extensions: { persistedQuery: { version: 1, sha256Hash: 5 } } }), agency: true },
      400,
      'BAD_REQUEST',
      /^provided sha does not match query$/,
    ],
    ['an unknown path', { path: '/elsewhere', body: query('{ __typename }') }, 404, 'NOT_FOUND', /No GraphQL endpoint/],
    ['an unknown purpose', { body: query('{ __typename }'), headers: { 'x-purpose': 'CURIOSITY' } }, 400, 'BAD_USER_INPUT', /Unknown purpose/],
  ] as const)('answers %s with a 4xx and a stable code, and records it once', async (_case, request, status, code, message) => {
    const before = await settledSeq();
    const answer = await send('agency' in request ? { ...request, headers: agencyHeaders } : request);
    expect(answer.status).toBe(status);
    expect(answer.body!.errors!.map((error) => error.extensions!.code)).toEqual([code]);
    expect(answer.body!.errors![0]!.message).toMatch(message);
    expect(answer.text).not.toMatch(/Did you mean|stacktrace|node_modules|\.ts:\d+/);
    expect(await recordsAfter(before)).toBe(1);
    expect(await lastRecord()).toMatchObject({ error_code: code, outcome: 'FAILED' });
  });

  it('refuses the alias the audit reserves with 400, and records it once', async () => {
    const before = await settledSeq();
    const answer = await postGraphQL(url, '{ citizensByCommune(communeCode: "40778", first: 1) { nodes { __auditNationalId: fullName } } }', {}, agencyHeaders);
    expect(answer.status).toBe(400);
    expect(errorCodes(answer)).toEqual(['BAD_USER_INPUT']);
    expect(answer.errors![0]!.message).toMatch(/__auditNationalId is reserved/);
    expect(await recordsAfter(before)).toBe(1);
    expect(await lastRecord()).toMatchObject({ error_code: 'BAD_USER_INPUT', agency_code: 'H56.98' });
  });

  it('bounds operations at /admin as at /graphql', async () => {
    const fragments = Array.from({ length: 40 }, (_, level) => `fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`);
    const answer = await send({
      path: '/admin',
      body: query(`{ ...F0 } ${fragments.join(' ')} fragment F40 on Query { agencies { code } }`),
      headers: asAgency(seeded.demoKeys.get('H56.10')!),
    });
    expect(answer.status).toBe(400);
    expect(answer.body!.errors!.map((error) => [error.extensions!.code, error.extensions!.limit])).toEqual([['QUERY_TOO_COMPLEX', 'cost']]);
  });

  // Under the token bound, a document of braces, parentheses or brackets alone is nested as deep as the parser's
  // recursion goes, or deeper, depending on the engine's stack: either way a limit, never the engine's own error.
  it.each([
    ['selections', '/graphql', `${'{ a '.repeat(2400)}${'}'.repeat(2400)}`],
    ['a list value', '/graphql', `{ a(x: ${'['.repeat(2400)}1${']'.repeat(2400)}) }`],
    ['selections at /admin', '/admin', `${'{ a '.repeat(2400)}${'}'.repeat(2400)}`],
  ])('refuses %s nested as deep as the parser goes with QUERY_TOO_COMPLEX, naming no engine error', async (_case, path, document) => {
    const answer = await send({ path, body: query(document), headers: asAgency(seeded.demoKeys.get('H56.10')!) });
    expect(answer.status).toBe(400);
    expect(answer.body!.errors!.map((error) => error.extensions!.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(['tokens', 'nesting']).toContain(answer.body!.errors![0]!.extensions!.limit);
    expect(answer.text).not.toMatch(/call stack|RangeError/);
  });

  it('records introspection once, as allowed', async () => {
    const before = await settledSeq();
    const answer = await postGraphQL(url, getIntrospectionQuery());
    expect(answer.errors).toBeUndefined();
    expect(await recordsAfter(before)).toBe(1);
    expect(await lastRecord()).toMatchObject({ error_code: null, outcome: 'ALLOWED' });
  });

  it('records a body over the size limit once (413)', async () => {
    const before = await settledSeq();
    const answer = await send({ body: query(`{ __typename } #${'x'.repeat(1024 * 1024)}`) });
    expect(answer.status).toBe(413);
    expect(answer.body!.errors![0]!.extensions!.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await recordsAfter(before)).toBe(1);
    expect(await lastRecord()).toMatchObject({ error_code: 'PAYLOAD_TOO_LARGE' });
  });
});

import { ApolloServer, HeaderMap } from '@apollo/server';
import type { HTTPGraphQLRequest } from '@apollo/server';
import { buildSchema, getIntrospectionQuery } from 'graphql';
import { DocumentCache, MAX_CACHED_QUERY_LENGTH, validatedDocument } from '../../common/documentCache';
import type { MaskKind } from '../../common/masks';
import type { RunningServer } from '../../common/subgraphServer';
import { subgraphShortcut } from '../../common/subgraphShortcut';
import { seedAll } from '../../db/seed';
import { startSubgraph } from '../../subgraphs';
import type { TestDatabases } from '../helpers/database';
import { countStatements, createTestDatabases } from '../helpers/database';
import { TEST_SIGNING_KEY, accessHeader, bodyOf } from '../helpers/subgraphClient';

const LAND_ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Citizen { landParcels { id mapSheetNumber parcelNumber areaSquareMeters landUsePurpose } } } }`;

/** A whole answer as a client reads it: status, the headers that are not per connection or per request, and the body's text. */
interface Answer {
  status: number;
  contentType: string | null;
  headers: string[];
  body: string;
}

const PER_REQUEST_HEADERS = new Set(['date', 'connection', 'keep-alive', 'x-request-id', 'content-length', 'transfer-encoding']);

async function answerOf(url: string, rawBody: string, headers: Record<string, string>, method = 'POST'): Promise<Answer> {
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, ...(method === 'POST' ? { body: rawBody } : {}) });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    headers: [...response.headers.keys()].filter((name) => !PER_REQUEST_HEADERS.has(name)).sort(),
    body: await response.text(),
  };
}

describe('the subgraphs’ shortcut past Apollo Server', () => {
  let databases: TestDatabases;
  let shortcut: RunningServer;
  let apollo: RunningServer;
  let owner: string;
  let statements: ReturnType<typeof countStatements>;

  beforeAll(async () => {
    databases = await createTestDatabases();
    await seedAll(databases.databases, { citizens: 40, randomSeed: 5 });
    const [row] = await databases.databases.land('ownership_shares').select('national_id').limit(1);
    owner = (row as { national_id: string }).national_id;
    shortcut = await startSubgraph('land', { db: databases.databases.land, signingKey: TEST_SIGNING_KEY });
    apollo = await startSubgraph('land', { db: databases.databases.land, signingKey: TEST_SIGNING_KEY, shortcut: false });
    statements = countStatements(databases.databases.land);
  });

  afterAll(async () => {
    await shortcut?.stop();
    await apollo?.stop();
    await databases?.destroy();
  });

  /** Given a body and how to sign it, sends it to both servers, each signed afresh, and returns both answers. */
  async function both(rawBody: string, sign: (rawBody: string) => Record<string, string>, extra: Record<string, string> = {}, method = 'POST') {
    return {
      fast: await answerOf(shortcut.url, rawBody, { ...sign(rawBody), ...extra }, method),
      reference: await answerOf(apollo.url, rawBody, { ...sign(rawBody), ...extra }, method),
    };
  }

  const signed = (rawBody: string) => accessHeader('land', rawBody);

  it.each<[string, boolean, string, Record<string, string>?]>([
    ['a citizen’s parcels (_entities)', true, bodyOf(LAND_ENTITIES, { representations: [{ __typename: 'Citizen', nationalId: '' }] })],
    ['a root query with an argument the resolver refuses (BAD_USER_INPUT)', true, bodyOf('{ landUseCertificate(serial: "nonsense") { serial } }')],
    ['an operation picked by name', true, JSON.stringify({ query: 'query A { __typename } query B { _service { sdl } }', operationName: 'B' })],
    ['_service { sdl }', true, bodyOf('{ _service { sdl } }')],
    ['an Accept header of JSON', true, bodyOf('{ __typename }'), { accept: 'application/json' }],
    ['a query that does not validate', false, bodyOf('{ landParcels { id } }')],
    ['a query that does not parse', false, bodyOf('{ landUseCertificate(')],
    ['variables that do not coerce', false, bodyOf('query ($s: String!) { landUseCertificate(serial: $s) { serial } }', { s: 7 })],
    ['two operations and no operation name', false, JSON.stringify({ query: 'query A { _service { sdl } } query B { _service { sdl } }' })],
    ['introspection', false, bodyOf(getIntrospectionQuery())],
    ['a batch', false, JSON.stringify([{ query: '{ __typename }' }])],
    ['a body with extensions', false, JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'x' } } })],
    ['an Accept header that wants graphql-response+json', false, bodyOf('{ __typename }'), { accept: 'application/graphql-response+json' }],
    ['an Accept header no JSON satisfies', false, bodyOf('{ __typename }'), { accept: 'text/html' }],
  ])('answers %s exactly as Apollo Server does (served by the shortcut: %s)', async (_name, served, rawBody, extra = {}) => {
    const body = rawBody.replace('"nationalId":""', `"nationalId":"${owner}"`);
    const apolloCalls = jest.spyOn(ApolloServer.prototype, 'executeHTTPGraphQLRequest');
    const fast = await answerOf(shortcut.url, body, { ...signed(body), ...extra });
    expect(apolloCalls).toHaveBeenCalledTimes(served ? 0 : 1);
    apolloCalls.mockRestore();
    const reference = await answerOf(apollo.url, body, { ...signed(body), ...extra });
    expect(fast).toEqual(reference);
  });

  it('answers a masked field and a mask its type cannot carry exactly as Apollo Server does', async () => {
    const rawBody = bodyOf(LAND_ENTITIES, { representations: [{ __typename: 'Citizen', nationalId: owner }] });
    const maskSets: Array<Record<string, MaskKind>> = [{ 'LandParcel.landUsePurpose': 'REDACTED' }, { 'LandParcel.areaSquareMeters': 'REDACTED' }];
    for (const masks of maskSets) {
      const { fast, reference } = await both(rawBody, (raw) => accessHeader('land', raw, { access: { masks } }));
      expect(fast).toEqual(reference);
    }
    const { fast } = await both(rawBody, (raw) => accessHeader('land', raw, { access: { masks: { 'LandParcel.areaSquareMeters': 'REDACTED' } } }));
    expect(JSON.parse(fast.body).errors[0].extensions.code).toBe('MASK_NOT_APPLICABLE');
  });

  it('refuses, as Apollo Server does and before any SQL, a body signed for another, a tampered signature and a replay', async () => {
    const rawBody = bodyOf(LAND_ENTITIES, { representations: [{ __typename: 'Citizen', nationalId: owner }] });
    const valid = await answerOf(shortcut.url, rawBody, signed(rawBody));
    expect(valid.status).toBe(200);
    statements.reset();
    const header = signed(rawBody);
    const [name, value] = Object.entries(header)[0]!;
    const [payload, mac] = value.split('.');
    const tampered = `${payload}.${mac!.startsWith('A') ? `B${mac!.slice(1)}` : `A${mac!.slice(1)}`}`;
    const cases: Array<[string, Record<string, string>]> = [
      ['does not verify', { [name]: tampered }],
      ['another request body', signed(bodyOf('{ __typename }'))],
      ['no gateway signature', {}],
    ];
    for (const [reason, headers] of cases) {
      const { fast, reference } = await both(rawBody, () => headers);
      expect(fast.status).toBe(401);
      expect(fast.body).toContain(reason);
      expect(fast).toEqual(reference);
    }
    const once = signed(rawBody);
    expect((await answerOf(shortcut.url, rawBody, once)).status).toBe(200);
    const replayed = await answerOf(shortcut.url, rawBody, once);
    expect(replayed.status).toBe(401);
    expect(replayed.body).toContain('used already');
    expect(statements.count).toBe(1);
  });

  it('answers a GET as Apollo Server does: refused, since only a POST is signed', async () => {
    const { fast, reference } = await both('', signed, {}, 'GET');
    expect(fast.status).toBe(401);
    expect(fast).toEqual(reference);
  });
});

describe('subgraphShortcut', () => {
  const schema = buildSchema('type Query { hello(name: String!): String, count: Int }');
  const formatError = (formatted: { message: string }) => formatted;
  const request = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): HTTPGraphQLRequest => ({
    method: 'POST',
    headers: new HeaderMap(Object.entries(headers)),
    search: '',
    body,
  });

  it('executes a query with the context it is given, and each text as its own document', async () => {
    const cache = new DocumentCache(10);
    const shortcut = subgraphShortcut<{ calls: number }>({ schema: buildSchema('type Query { calls: Int }'), formatError, cache });
    const context = { calls: 0 };
    const make = () => {
      context.calls += 1;
      return Promise.resolve(context);
    };
    const answer = await shortcut(request({ query: '{ __typename }' }), make);
    expect(answer?.body).toEqual({ kind: 'complete', string: '{"data":{"__typename":"Query"}}\n' });
    const other = await shortcut(request({ query: '{ a: __typename }' }), make);
    expect(other?.body).toEqual({ kind: 'complete', string: '{"data":{"a":"Query"}}\n' });
    expect(context.calls).toBe(2);
    expect(cache.size).toBe(2);
  });

  it('leaves to Apollo Server, with the context made once and handed on, a document it does not serve', async () => {
    const cache = new DocumentCache(10);
    const shortcut = subgraphShortcut<object>({ schema, formatError, cache });
    for (const declined of [
      request({ query: '{ nope }' }),
      request({ query: '{' }),
      request({ query: 'query ($n: String!) { hello(name: $n) }', variables: { n: 1 } }),
      request({ query: '{ __schema { queryType { name } } }' }),
    ]) {
      const make = jest.fn(() => Promise.resolve({}));
      expect(await shortcut(declined, make)).toBeNull();
      expect(make).toHaveBeenCalledTimes(1);
    }
  });

  it('leaves to Apollo Server, without making the context, a request it does not serve', async () => {
    const shortcut = subgraphShortcut<object>({ schema, formatError });
    const make = jest.fn(() => Promise.resolve({}));
    for (const declined of [
      request({ query: '{ count }' }, { 'content-type': 'text/plain' }),
      request({ query: '{ count }' }, { 'content-type': 'application/json', accept: 'text/html' }),
      request([{ query: '{ count }' }]),
      request({ query: '{ count }', extensions: {} }),
      { ...request({ query: '{ count }' }), method: 'GET' },
    ]) {
      expect(await shortcut(declined, make)).toBeNull();
    }
    expect(make).not.toHaveBeenCalled();
  });

  it('leaves a request whose context refuses it to Apollo Server, its document neither parsed nor kept', async () => {
    const cache = new DocumentCache(10);
    const shortcut = subgraphShortcut<object>({ schema, formatError, cache });
    expect(await shortcut(request({ query: '{ count }' }), () => Promise.reject(new Error('unsigned')))).toBeNull();
    expect(cache.size).toBe(0);
  });
});

describe('DocumentCache', () => {
  const schema = buildSchema('type Query { a: Int, b: Int, c: Int }');

  it('holds at most its capacity, dropping the text used least recently', () => {
    const cache = new DocumentCache(2);
    const a = cache.documentOf(schema, '{ a }');
    const b = cache.documentOf(schema, '{ b }');
    expect(cache.documentOf(schema, '{ a }')).toBe(a);
    cache.documentOf(schema, '{ c }');
    expect(cache.size).toBe(2);
    // '{ a }' stayed, being used after '{ b }'; '{ b }' went, and is parsed again.
    expect(cache.documentOf(schema, '{ a }')).toBe(a);
    expect(cache.documentOf(schema, '{ b }')).not.toBe(b);
    expect(cache.size).toBe(2);
  });

  it('serves a text only its own document, and null for one that does not validate', () => {
    const cache = new DocumentCache(10);
    const a = cache.documentOf(schema, '{ a }');
    const b = cache.documentOf(schema, '{ b }');
    expect(a).not.toBe(b);
    expect(JSON.stringify(b)).toContain('"value":"b"');
    expect(cache.documentOf(schema, '{ d }')).toBeNull();
    expect(cache.documentOf(schema, '{ a ')).toBeNull();
    expect(validatedDocument(schema, '{ __type(name: "Query") { name } }')).toBeNull();
  });

  it('does not keep a text longer than MAX_CACHED_QUERY_LENGTH', () => {
    const cache = new DocumentCache(10);
    const long = `{ a ${' '.repeat(MAX_CACHED_QUERY_LENGTH)}}`;
    const first = cache.documentOf(schema, long);
    expect(first).not.toBeNull();
    expect(cache.size).toBe(0);
    expect(cache.documentOf(schema, long)).not.toBe(first);
  });
});

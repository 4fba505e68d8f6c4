import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ACCESS_CONTEXT_HEADER, NonceRegistry, UNRESTRICTED_ACCESS, verifyAccessContext } from '../../common/accessContext';
import type { AccessContext } from '../../common/accessContext';
import type { GatewayContext } from '../../gateway/enforcement/context';
import type { SubgraphDataSourceOptions } from '../../gateway/subgraphDataSource';
import { SubgraphDataSource } from '../../gateway/subgraphDataSource';
import type { SubgraphFailure } from '../../gateway/subgraphFailure';

const KEY = Buffer.from('k'.repeat(40));
const QUERY =
  'query Op__health__1($representations: [_Any!]!) { _entities(representations: $representations) { ... on Citizen { healthInsurance { benefitLevel } } } }';
const REPRESENTATIONS = [
  { __typename: 'Citizen', nationalId: '038085001234' },
  { __typename: 'Citizen', nationalId: '038085001235' },
];

/** What the stand-in subgraph received of one call. */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the stand-in answers: a status, a content type and a body, after a delay. */
interface Answer {
  status: number;
  contentType: string;
  body: string;
  delayMs?: number;
}

/** Given a way to answer, starts a subgraph stand-in on an ephemeral port that records every call it receives. */
async function startStandIn(answer: () => Answer) {
  const received: Received[] = [];
  const pending = new Set<NodeJS.Timeout>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const { status, contentType, body, delayMs = 0 } = answer();
      const timer = setTimeout(() => {
        pending.delete(timer);
        if (response.destroyed) return;
        response.writeHead(status, { 'content-type': contentType });
        response.end(body);
      }, delayMs);
      pending.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const timer of pending) clearTimeout(timer);
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url, received, stop };
}

/** Given a subgraph's access context (none when undefined) and extra headers from the executor, returns the executor's call options. */
function callOptions(access: AccessContext | undefined, executorHeaders?: Iterable<[string, string]>): GraphQLDataSourceProcessOptions<GatewayContext> {
  const context = { requestId: 'req-7f3a', ...(access ? { access: { health: access } } : {}) } as unknown as GatewayContext;
  return {
    kind: 'incoming operation',
    request: {
      query: QUERY,
      variables: { representations: REPRESENTATIONS },
      operationName: 'Op__health__1',
      ...(executorHeaders ? { http: { method: 'POST', url: '', headers: new Map(executorHeaders) as never } } : {}),
    },
    incomingRequestContext: {} as never,
    context,
    pathInIncomingRequest: ['citizen'],
  } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>;
}

/** Counts the node-fetch Request and Headers the gateway's own node-fetch constructs while a callback runs. */
async function countNodeFetchObjects<T>(run: () => Promise<T>): Promise<{ result: T; requests: number; headers: number }> {
  // The module the gateway's data source requires: the test's own module registry holds one instance of it.
  const nodeFetch = jest.requireActual<Record<'Request' | 'Headers', new (...args: never[]) => object>>('node-fetch');
  const { Request, Headers } = nodeFetch;
  const counts = { requests: 0, headers: 0 };
  nodeFetch.Request = class extends Request {
    constructor(...args: never[]) {
      super(...args);
      counts.requests += 1;
    }
  };
  nodeFetch.Headers = class extends Headers {
    constructor(...args: never[]) {
      super(...args);
      counts.headers += 1;
    }
  };
  try {
    return { result: await run(), ...counts };
  } finally {
    nodeFetch.Request = Request;
    nodeFetch.Headers = Headers;
  }
}

describe('SubgraphDataSource', () => {
  let standIn: Awaited<ReturnType<typeof startStandIn>>;
  let answer: Answer;
  let failures: SubgraphFailure[];
  let fetched: Array<string | null>;
  const dataSource = (overrides: Partial<SubgraphDataSourceOptions> = {}) =>
    new SubgraphDataSource({
      name: 'health',
      url: standIn.url,
      timeoutMs: 2000,
      signingKey: KEY,
      onFailure: (_name, failure) => failures.push(failure),
      onFetched: (_name, _seconds, code) => fetched.push(code),
      ...overrides,
    });
  const ok = (data: unknown): Answer => ({ status: 200, contentType: 'application/json', body: JSON.stringify({ data }) });

  beforeAll(async () => {
    standIn = await startStandIn(() => answer);
  });
  afterAll(async () => {
    await standIn.stop();
  });
  beforeEach(() => {
    standIn.received.length = 0;
    failures = [];
    fetched = [];
    answer = ok({ _entities: [{ healthInsurance: { benefitLevel: 4 } }, null] });
  });

  it('sends the exact body with a signature over it and the request id, and builds no node-fetch Request or Headers', async () => {
    const { result, requests, headers } = await countNodeFetchObjects(() => dataSource().process(callOptions(UNRESTRICTED_ACCESS)));
    expect(result.data).toEqual({ _entities: [{ healthInsurance: { benefitLevel: 4 } }, null] });
    expect(result.errors).toBeUndefined();
    expect({ requests, headers }).toEqual({ requests: 0, headers: 0 });
    expect(standIn.received).toHaveLength(1);
    const [call] = standIn.received;
    expect(call!.body).toBe(JSON.stringify({ query: QUERY, variables: { representations: REPRESENTATIONS }, operationName: 'Op__health__1' }));
    expect(call!.headers['content-type']).toBe('application/json');
    expect(call!.headers['x-request-id']).toBe('req-7f3a');
    // The unsigned context never reaches the wire: only its signature, bound to this subgraph and this body.
    expect(call!.headers['x-dsp-access-pending']).toBeUndefined();
    const claims = verifyAccessContext(KEY, call!.headers[ACCESS_CONTEXT_HEADER] as string, 'health', call!.body, Date.now(), new NonceRegistry());
    expect(claims).toMatchObject({ audience: 'health', principal: { kind: 'ANONYMOUS' }, scope: null });
    expect(verifyAccessContext(KEY, call!.headers[ACCESS_CONTEXT_HEADER] as string, 'land', call!.body, Date.now(), new NonceRegistry())).toEqual({
      error: 'the gateway signature is for another subgraph',
    });
    expect(fetched).toEqual([null]);
  });

  it('counts what the base class builds, so that the count above can fail', async () => {
    const base = new RemoteGraphQLDataSource<GatewayContext>({ url: standIn.url });
    const { result, requests, headers } = await countNodeFetchObjects(() => base.process(callOptions(undefined)));
    expect(result.data).toBeDefined();
    expect(requests).toBe(1);
    expect(headers).toBeGreaterThanOrEqual(1);
  });

  it('sends no signature for a call with no decided access context, so that the subgraph refuses it', async () => {
    await dataSource().process(callOptions(undefined));
    expect(standIn.received[0]!.headers[ACCESS_CONTEXT_HEADER]).toBeUndefined();
    expect(standIn.received[0]!.headers['x-dsp-access-pending']).toBeUndefined();
  });

  it('forwards the headers the executor gives (a trace request), names in any case', async () => {
    await dataSource().process(callOptions(UNRESTRICTED_ACCESS, [['Apollo-Federation-Include-Trace', 'ftv1']]));
    expect(standIn.received[0]!.headers['apollo-federation-include-trace']).toBe('ftv1');
  });

  it('calls didReceiveResponse with the answer, the request, the context and the path in the incoming request', async () => {
    const seen: unknown[] = [];
    class Observed extends SubgraphDataSource {
      override didReceiveResponse({ response, request, context, pathInIncomingRequest }: Parameters<NonNullable<SubgraphDataSource['didReceiveResponse']>>[0]) {
        seen.push({ data: response.data, status: response.http?.status, query: request.query, requestId: context.requestId, pathInIncomingRequest });
        return { ...response, data: { _entities: [] } };
      }
    }
    const observed = new Observed({ name: 'health', url: standIn.url, timeoutMs: 2000, signingKey: KEY, onFailure: () => undefined });
    const result = await observed.process(callOptions(UNRESTRICTED_ACCESS));
    expect(seen).toEqual([
      {
        data: { _entities: [{ healthInsurance: { benefitLevel: 4 } }, null] },
        status: 200,
        query: QUERY,
        requestId: 'req-7f3a',
        pathInIncomingRequest: ['citizen'],
      },
    ]);
    expect(result.data).toEqual({ _entities: [] });
  });

  it('answers a refused signature (401) with SUBGRAPH_AUTHENTICATION_FAILED at each field it leaves null, the reason logged', async () => {
    answer = {
      status: 401,
      contentType: 'application/json',
      body: JSON.stringify({ errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED', reason: 'the gateway signature has expired' } }] }),
    };
    const result = await dataSource().process(callOptions(UNRESTRICTED_ACCESS));
    expect(result.data).toBeUndefined();
    expect(result.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [['_entities', 0, 'healthInsurance'], 'SUBGRAPH_AUTHENTICATION_FAILED'],
      [['_entities', 1, 'healthInsurance'], 'SUBGRAPH_AUTHENTICATION_FAILED'],
    ]);
    expect(failures.map((failure) => failure.reason)).toEqual(['the gateway signature has expired']);
    expect(fetched).toEqual(['SUBGRAPH_AUTHENTICATION_FAILED']);
  });

  it('answers an HTTP 5xx and a body that is not a JSON object with SUBGRAPH_UNAVAILABLE, saying which', async () => {
    answer = { status: 502, contentType: 'text/html', body: '<html>bad gateway</html>' };
    const badGateway = await dataSource().process(callOptions(UNRESTRICTED_ACCESS));
    answer = { status: 200, contentType: 'text/plain', body: 'hello' };
    const notJson = await dataSource().process(callOptions(UNRESTRICTED_ACCESS));
    answer = { status: 200, contentType: 'application/json', body: '[1,2]' };
    const anArray = await dataSource().process(callOptions(UNRESTRICTED_ACCESS));
    for (const result of [badGateway, notJson, anArray])
      expect(result.errors?.[0]?.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'health' });
    expect(failures.map((failure) => failure.reason)).toEqual([
      'HTTP 502',
      'Expected JSON response body, but received: hello',
      'Expected JSON response body, but received: 1,2',
    ]);
    // No message of the subgraph's reaches the client.
    expect(JSON.stringify([badGateway, notJson, anArray])).not.toMatch(/bad gateway|hello/);
  });

  it('gives up on a call not answered within the timeout with SUBGRAPH_TIMEOUT', async () => {
    answer = { ...ok({}), delayMs: 1500 };
    const started = performance.now();
    const result = await dataSource({ timeoutMs: 200 }).process(callOptions(UNRESTRICTED_ACCESS));
    expect(performance.now() - started).toBeLessThan(1200);
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'SUBGRAPH_TIMEOUT', serviceName: 'health' });
    expect(result.errors?.[0]?.message).toBe('The health subgraph did not answer within 200 ms');
  });
});

import http from 'node:http';
import { startHttpServer } from '../../common/httpServer';
import type { HttpServerHandle } from '../../common/httpServer';
import { getLogger } from '../../common/logger';
import { DCAT_CONTEXT } from '../../gateway/catalogue/dcat';
import { DCAT_PATH, catalogueRoutes } from '../../gateway/catalogue/catalogueRoute';
import type { TestStore } from '../store/storeHelpers';
import { TEST_ACTOR, createTestStore } from '../store/storeHelpers';

type Node = Record<string, unknown>;

/** Given a JSON-LD node, returns every key of it and of the nodes it holds that is neither a keyword nor a term of the context. */
function undefinedTerms(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(undefinedTerms);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Node).flatMap(([key, inner]) => {
    if (key === '@context') return [];
    const prefix = key.split(':')[0]!;
    const known = key.startsWith('@') || (key.includes(':') && prefix in DCAT_CONTEXT);
    return [...(known ? [] : [key]), ...undefinedTerms(inner)];
  });
}

/** Given a Host header (which fetch will not send as given) and other headers, GETs the export and returns it parsed. */
function getWithHost(host: string, headers: Record<string, string> = {}): Promise<Node> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { agent: false, host: '127.0.0.1', port: Number(new URL(server.baseUrl).port), path: DCAT_PATH, headers: { ...headers, host } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Node));
      },
    );
    request.on('error', reject);
  });
}

let server: HttpServerHandle;

describe('the open-data catalogue in DCAT-AP (GET /catalogue/dcat.jsonld)', () => {
  let store: TestStore;
  let url: URL;

  beforeAll(async () => {
    store = await createTestStore();
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.10', name: 'Trung tâm Dữ liệu tỉnh Thanh Hóa', steward: true });
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.02', name: 'Sở Giáo dục và Đào tạo', sector: 'education' });
    server = await startHttpServer(
      [],
      { port: 0, host: '127.0.0.1' },
      getLogger('test'),
      catalogueRoutes({ stewardship: store.stewardship, logger: getLogger('test') }),
    );
    url = new URL(DCAT_PATH, server.baseUrl);
  });

  afterAll(async () => {
    // With no GraphQL route, nothing drains the server on stop(): close it here.
    server?.httpServer.closeAllConnections();
    await new Promise((resolve) => server?.httpServer.close(resolve));
    await store?.destroy();
  });

  it('answers anyone with JSON-LD: a dcat:Catalog of one dcat:Dataset per open-data type, every term in the DCAT and Dublin Core vocabularies', async () => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/ld+json; charset=utf-8');
    const document = (await response.json()) as Node;
    expect(document['@context']).toMatchObject({ dcat: 'http://www.w3.org/ns/dcat#', dct: 'http://purl.org/dc/terms/', foaf: 'http://xmlns.com/foaf/0.1/' });
    expect(undefinedTerms(document)).toEqual([]);
    const origin = server.baseUrl.replace(/\/$/, '');
    expect(document).toMatchObject({
      '@id': `${origin}${DCAT_PATH}`,
      '@type': 'dcat:Catalog',
      'dct:title': expect.any(String),
      'dct:publisher': { '@type': 'foaf:Agent', 'dct:identifier': 'H56.10' },
      'dcat:service': [{ '@type': 'dcat:DataService', 'dcat:endpointURL': `${origin}/graphql` }],
    });
    const datasets = document['dcat:dataset'] as Node[];
    expect(datasets.map((dataset) => dataset['dct:identifier'])).toEqual(['AdministrativeUnit', 'HealthFacility', 'School']);
    for (const dataset of datasets) {
      expect(dataset).toMatchObject({
        '@type': 'dcat:Dataset',
        'dct:description': expect.any(String),
        'dct:modified': expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      });
      expect(dataset['dcat:distribution']).toEqual([
        expect.objectContaining({ '@type': 'dcat:Distribution', 'dcat:accessURL': `${origin}/graphql`, 'dcat:accessService': { '@id': `${origin}/graphql` } }),
      ]);
    }
    const school = datasets.find((dataset) => dataset['dct:identifier'] === 'School')!;
    expect(school['dct:publisher']).toMatchObject({ 'dct:identifier': 'H56.02', 'foaf:name': 'Sở Giáo dục và Đào tạo' });
    expect(school['dcat:keyword']).toEqual(expect.arrayContaining(['education', 'name', 'level']));
    // No personal or shared data is named: only the open types.
    expect(JSON.stringify(document)).not.toMatch(/Citizen|Diploma|LandParcel/);
  });

  it('takes its identifiers from the Host the request named, and a safe default for a malformed one', async () => {
    expect((await getWithHost('data.thanhhoa.gov.vn', { 'x-forwarded-proto': 'https' }))['@id']).toBe(`https://data.thanhhoa.gov.vn${DCAT_PATH}`);
    expect((await getWithHost('evil.example/"><script>'))['@id']).toBe(`http://localhost${DCAT_PATH}`);
  });

  it('refuses other methods with 405', async () => {
    const response = await fetch(url, { method: 'POST', body: '{}' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('METHOD_NOT_ALLOWED');
  });
});

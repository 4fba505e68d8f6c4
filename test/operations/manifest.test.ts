import { operationId, parseManifest } from '../../gateway/operations/manifest';

const QUERY = 'query CitizenName($id: ID!) { citizen(nationalId: $id) { fullName } }';
const FRAGMENTED = 'query Card($id: ID!) { citizen(nationalId: $id) { ...Name } }\nfragment Name on Citizen { fullName }';

const apollo = (operations: unknown[]) => JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations });

/** Given a manifest expected to be refused, returns its problems. */
function problemsOf(text: string): string[] {
  try {
    parseManifest(text);
  } catch (error) {
    const { extensions } = error as { extensions: { code: string; problems: string[]; http: { status: number } } };
    expect(extensions.code).toBe('OPERATION_MANIFEST_INVALID');
    expect(extensions.http.status).toBe(400);
    return extensions.problems;
  }
  throw new Error('expected the manifest to be refused');
}

describe('parseManifest', () => {
  it('reads an Apollo persisted-query manifest, each id the SHA-256 of its body', () => {
    expect(parseManifest(apollo([{ id: operationId(QUERY), name: 'CitizenName', type: 'query', body: QUERY }]))).toEqual({
      format: 'APOLLO_MANIFEST',
      operations: [{ id: operationId(QUERY), name: 'CitizenName', type: 'query', body: QUERY }],
    });
  });

  it("reads GraphQL Codegen's persisted documents, fragments included, with or without the sha256: prefix", () => {
    const parsed = parseManifest(JSON.stringify({ [operationId(QUERY)]: QUERY, [`sha256:${operationId(FRAGMENTED)}`]: FRAGMENTED }));
    expect(parsed.format).toBe('CODEGEN_DOCUMENTS');
    expect(parsed.operations.map(({ id, name, type }) => ({ id, name, type }))).toEqual([
      { id: operationId(QUERY), name: 'CitizenName', type: 'query' },
      { id: operationId(FRAGMENTED), name: 'Card', type: 'query' },
    ]);
  });

  it('is the SHA-256 of the UTF-8 bytes, as `printf %s "…" | sha256sum` gives it', () => {
    expect(operationId('{ __typename }')).toBe('7f56e67dd21ab3f30d1ff8b7bed08893f0a0db86449836189b361dd1e56ddb4b');
    expect(operationId('{ a(b: "Hóa") }')).toBe('bc32b7e34e48b93f3d528da46ca40b8c48315a692d66cfcfe322c2e6a13207a1');
  });

  it.each([
    ['text that is not JSON', 'format: apollo', 'not JSON'],
    ['an array', '[]', 'not a JSON object'],
    ['another format', JSON.stringify({ format: 'relay', version: 1, operations: [] }), 'is not "apollo-persisted-query-manifest"'],
    ['another version', JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 2, operations: [] }), 'version 2 is not 1'],
    ['operations that are no array', JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: {} }), 'not an array'],
    ['an id that is not the body hash', apollo([{ id: 'f'.repeat(64), name: 'CitizenName', type: 'query', body: QUERY }]), 'not the SHA-256 of the body'],
    ['a name that is not the operation', apollo([{ id: operationId(QUERY), name: 'Other', type: 'query', body: QUERY }]), 'is not the operation'],
    ['a type that is not the operation', apollo([{ id: operationId(QUERY), name: 'CitizenName', type: 'mutation', body: QUERY }]), 'is not the operation'],
    ['an unknown type', apollo([{ id: operationId(QUERY), name: 'CitizenName', type: 'select', body: QUERY }]), 'not query, mutation or subscription'],
    ['a body that does not parse', JSON.stringify({ [operationId('{ citizen(')]: '{ citizen(' }), 'does not parse'],
    ['two operations in one document', JSON.stringify({ [operationId('{ a } { b }')]: '{ a } { b }' }), 'holds 2 operations'],
    ['a codegen SHA-1 hash', JSON.stringify({ ['b'.repeat(40)]: QUERY }), 'hashAlgorithm'],
    ['a key that is no hash', JSON.stringify({ CitizenName: QUERY }), 'not a SHA-256 hash'],
    ['an empty body', JSON.stringify({ [operationId('')]: '' }), 'not a non-empty string'],
    ['the same operation twice', apollo([0, 1].map(() => ({ id: operationId(QUERY), name: 'CitizenName', type: 'query', body: QUERY }))), 'listed twice'],
  ])('refuses %s, naming the problem', (_what, text, problem) => {
    expect(problemsOf(text).join('; ')).toContain(problem);
  });

  it('names every problem of a file at once, and counts those it does not show', () => {
    const entries = Array.from({ length: 25 }, (_, index) => ({ id: String(index), name: 'X', type: 'query', body: QUERY }));
    let refusal: { message: string; extensions: { problems: string[]; problemCount: number } } | null = null;
    try {
      parseManifest(apollo(entries));
    } catch (error) {
      refusal = error as typeof refusal;
    }
    expect(refusal!.extensions.problems).toHaveLength(20);
    expect(refusal!.extensions.problemCount).toBe(25);
    expect(refusal!.message).toContain('(and 5 more)');
  });
});

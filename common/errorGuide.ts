/** What a client should know of one error code: the HTTP status it comes with, when it happens, what to do. */
export interface ErrorGuideEntry {
  code: string;
  /** The HTTP status, as a client sees it ("200" where the error travels beside data in `errors`). */
  status: string;
  when: string;
  fix: string;
}

/**
 * Every code a client of /graphql, /admin or /citizen can get in `extensions.code`: the platform's own
 * (common/errors.ts) and Apollo Server's. The README's error table and the explorer's help pages are this list.
 */
export const ERROR_GUIDE: readonly ErrorGuideEntry[] = [
  {
    code: 'BAD_USER_INPUT',
    status: '200, or 400 for a bad header or variable',
    when: 'A malformed national ID, commune code, parcel identifier, serial or cursor; `first` over 100; an unknown filter value or purpose; a malformed X-User-Id or X-Dossier-Id. A well-formed but unknown ID returns null instead.',
    fix: 'Read the message: it names the argument or header and the expected form.',
  },
  {
    code: 'BAD_REQUEST',
    status: '400',
    when: 'The body is empty or not JSON, or a GET or form POST lacks what CSRF prevention asks (a JSON content type, or an `apollo-require-preflight` header).',
    fix: 'POST JSON with `content-type: application/json` and a "query".',
  },
  {
    code: 'GRAPHQL_PARSE_FAILED',
    status: '400',
    when: 'The operation is not valid GraphQL syntax.',
    fix: 'Check the operation at the position the message gives.',
  },
  {
    code: 'GRAPHQL_VALIDATION_FAILED',
    status: '400',
    when: 'The operation is not valid against the schema, or exceeds the query limits (depth, aliases, tokens, cost).',
    fix: 'Use the explorer\'s docs and autocomplete, which show the fields you may read; split a large operation.',
  },
  {
    code: 'OPERATION_RESOLUTION_FAILURE',
    status: '400',
    when: 'The document holds several operations and `operationName` names none of them, or is missing.',
    fix: 'Send `operationName`.',
  },
  {
    code: 'PERSISTED_QUERY_NOT_FOUND',
    status: '200',
    when: 'An automatic persisted query hash the gateway does not hold yet.',
    fix: 'Send the same request again with the full query beside the hash (Apollo clients do this by themselves).',
  },
  {
    code: 'PERSISTED_QUERY_NOT_SUPPORTED',
    status: '200',
    when: 'A persisted query was sent to a route that does not take them.',
    fix: 'Send the full query.',
  },
  {
    code: 'UNAUTHENTICATED',
    status: '401',
    when: 'An unknown, malformed, expired or revoked API key, or a bad token; /admin without a credential; a subgraph called without the gateway\'s signature.',
    fix: 'Send `Authorization: Bearer <API key or agency JWT>`; ask a steward for a new key if yours expired or was revoked.',
  },
  {
    code: 'FORBIDDEN',
    status: '403',
    when: 'The operation touches a field the caller may not read for this purpose; /admin called by an agency that is not a steward; a CORS preflight from an origin not in CORS_ORIGINS.',
    fix: '`extensions.denied` names each field, the rule, the reason and the grant that would open it; `explainOperation` shows the same before you write code.',
  },
  {
    code: 'PURPOSE_REQUIRED',
    status: '400',
    when: 'The operation reads personal data and X-Purpose is missing.',
    fix: 'Name the purpose of processing in X-Purpose; `extensions.purposes` lists them.',
  },
  {
    code: 'NOT_FOUND',
    status: '404 for an unknown path; 200 in /admin',
    when: 'No endpoint at that path; in /admin, an unknown agency, key or grant.',
    fix: 'Use /graphql, /admin or /citizen; check the identifier.',
  },
  {
    code: 'CONFLICT',
    status: '200',
    when: 'In /admin: an agency that exists already, or a grant whose validity overlaps another.',
    fix: 'Change or revoke the existing one first.',
  },
  {
    code: 'PAYLOAD_TOO_LARGE',
    status: '413',
    when: 'A request body over 1 MB.',
    fix: 'Send smaller operations; page through lists with `first` and `after`.',
  },
  {
    code: 'MASK_NOT_APPLICABLE',
    status: '200',
    when: 'A grant masks a field whose type cannot carry a masked value.',
    fix: 'Ask a steward to correct the grant\'s mask.',
  },
  {
    code: 'AUDIT_UNAVAILABLE',
    status: '503',
    when: 'Personal data was asked for while the audit store cannot record the access; open data still answers.',
    fix: 'Retry later.',
  },
  {
    code: 'SUBGRAPH_UNAVAILABLE',
    status: '200',
    when: 'A subgraph is down or did not answer within SUBGRAPH_TIMEOUT_MS; `extensions.serviceName` names it, and the others\' data is still returned.',
    fix: 'Retry later; the data of the other sectors is valid.',
  },
  {
    code: 'DATABASE_UNAVAILABLE',
    status: '200',
    when: 'A subgraph cannot reach its database; `extensions.serviceName` names the subgraph.',
    fix: 'Retry later.',
  },
  {
    code: 'WEB_NOT_BUILT',
    status: '503',
    when: 'A page (/, or /graphql from a browser) was asked of a gateway whose web apps are not built.',
    fix: 'Run `npm run build:web` (`npm start` does it when the build is missing).',
  },
  {
    code: 'INTERNAL_SERVER_ERROR',
    status: '500, or 200 beside data',
    when: 'Anything else; details go to the server log only.',
    fix: 'Report the time of the request to the platform\'s operators.',
  },
];

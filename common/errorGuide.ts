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
    status: '400, or 200 beside data for an argument of a data query',
    when: 'In /admin and the self-service: an input that does not check (400). In a data query: the alias `__auditNationalId`, which the gateway reserves (400, before any subgraph is called); a malformed national ID, commune code, parcel identifier, serial or cursor; `first` over 100; an unknown filter value or purpose; a malformed X-User-Id or X-Dossier-Id. A well-formed but unknown ID returns null instead.',
    fix: 'Read the message: it names the argument or header and the expected form.',
  },
  {
    code: 'BAD_REQUEST',
    status: '400, or 431 for headers over 16 KB',
    when: 'The body is empty, not JSON, of another content type, a batch, has no `query`, or `variables` is not an object; a GET or form POST lacks what CSRF prevention asks (a JSON content type, or an `apollo-require-preflight` header); the request is not HTTP.',
    fix: 'POST JSON with `content-type: application/json` and a "query".',
  },
  {
    code: 'GRAPHQL_PARSE_FAILED',
    status: '400',
    when: 'The operation is not valid GraphQL syntax, or holds a lone surrogate in a string.',
    fix: 'Check the operation at the position the message gives.',
  },
  {
    code: 'GRAPHQL_VALIDATION_FAILED',
    status: '400',
    when: 'The operation is not valid against the schema. Messages never suggest a field, argument or value ("Did you mean …"), on any route.',
    fix: "Use the explorer's docs and autocomplete, which show the fields you may read.",
  },
  {
    code: 'QUERY_TOO_COMPLEX',
    status: '400',
    when: "Over a query limit, refused before planning: `extensions.limit` says which (`depth`, `aliases`, `directives`, `cost`, `tokens`, or `nesting` for a document nested deeper than the parser reads, whatever its tokens), `maximum` its bound and `found` the operation's figure (see Query limits below).",
    fix: 'Split the operation, or ask for fewer rows per page.',
  },
  {
    code: 'OPERATION_RESOLUTION_FAILURE',
    status: '400',
    when: '`operationName` names no operation of the document, or the document holds several and none is named.',
    fix: 'Send `operationName`, naming an operation of the document.',
  },
  {
    code: 'PERSISTED_QUERY_NOT_FOUND',
    status: "200, or 400 for an agency's approved operations",
    when: 'An automatic persisted query hash the gateway does not hold yet (200). 400: an agency in `enforce` mode sent an operation (whole, by hash or by `documentId`) that is not on its own lists, or any caller sent a `documentId` no list of its agency holds.',
    fix: "200: send the same request again with the full query beside the hash (Apollo clients do this by themselves). 400: register the operation in your application's list (see Approved operations), or ask a steward.",
  },
  {
    code: 'PERSISTED_QUERY_REGISTRATION_REFUSED',
    status: '403',
    when: 'An anonymous caller sent a query with a `persistedQuery` hash beside it: only an authenticated agency may register an automatic persisted query.',
    fix: 'Send the query without the `persistedQuery` extension, or with an agency credential.',
  },
  {
    code: 'OPERATION_MANIFEST_INVALID',
    status: '400',
    when: 'In /admin or the CLI: an operation file that is not an Apollo persisted-query manifest or codegen persisted documents, an id that is not the SHA-256 of its body, a body that does not parse, holds other than one operation or is not valid against the schema. `extensions.problems` names each; nothing is registered.',
    fix: 'Regenerate the file with SHA-256 ids from the current schema, and register it again.',
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
    when: "An unknown, malformed, expired or revoked API key, or a bad token; /admin without a credential; a subgraph called without the gateway's signature; /metrics with a token that is not METRICS_TOKEN.",
    fix: 'Send `Authorization: Bearer <API key or agency JWT>`; ask a steward for a new key if yours expired or was revoked.',
  },
  {
    code: 'AGENCY_DEACTIVATED',
    status: '401',
    when: 'The API key or agency token is of an agency a steward deactivated: every credential of it is refused at once, on /graphql and /admin, and its grants no longer apply.',
    fix: "Ask the platform's stewards why the agency was deactivated; they reactivate it when its case is settled.",
  },
  {
    code: 'FOUR_EYES_REQUIRED',
    status: '403',
    when: 'In /admin: approving or rejecting a grant on sensitive data that you asked for yourself, or with an agency key instead of a person signed in.',
    fix: 'Another policy steward approves or rejects it, from the console or `npm run steward -- grants approve`.',
  },
  {
    code: 'OUTSIDE_STEWARD_QUEUE',
    status: '403',
    when: "In /admin or the CLI: a steward account linked to one agency read or answered a sharing request routed to other owners, answered another owner's part of a request (by its ownerCode or its fields), or approved a grant on sensitive data its agency does not own; in the console, answered a citizen's request routed to another agency's queue.",
    fix: "A steward of the agency that owns the data answers it, or one of the province's central data office (an account linked to no agency).",
  },
  {
    code: 'FORBIDDEN',
    status: '403',
    when: 'The operation touches a field the caller may not read for this purpose; /admin called by an agency that is not a steward; a CORS preflight from an origin not in CORS_ORIGINS; /metrics from outside METRICS_ALLOWED_NETWORKS without the metrics token.',
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
    status: '404',
    when: 'No endpoint at that path; in /admin, an unknown agency, key, grant, account, request or legal instrument.',
    fix: 'Use /graphql, /admin or /citizen; check the identifier.',
  },
  {
    code: 'CONFLICT',
    status: '409',
    when: 'In /admin: an agency that exists already, or a grant whose validity overlaps another.',
    fix: 'Change or revoke the existing one first.',
  },
  {
    code: 'PAYLOAD_TOO_LARGE',
    status: '413',
    when: 'A request body over `HTTP_MAX_BODY_BYTES` (1 MiB by default).',
    fix: 'Send smaller operations; page through lists with `first` and `after`.',
  },
  {
    code: 'REQUEST_TIMEOUT',
    status: '408',
    when: 'The headers did not arrive within `HTTP_HEADERS_TIMEOUT_MS`, or the whole request within `HTTP_REQUEST_TIMEOUT_MS`; the connection is closed.',
    fix: 'Send the whole request at once; check the network between you and the gateway.',
  },
  {
    code: 'TOO_MANY_CONNECTIONS',
    status: '429',
    when: "The client's address already holds `HTTP_MAX_CONNECTIONS_PER_CLIENT` connections; the new connection is closed.",
    fix: 'Reuse keep-alive connections from a pool of a few, rather than one per request.',
  },
  {
    code: 'RATE_LIMITED',
    status: '429',
    when: "The caller's quota for this minute is spent: its requests, or its query cost (`extensions.budget` says which, `limit` its bound). Retry-After and the RateLimit-* headers say when it is whole again (see Quotas).",
    fix: 'Wait the seconds Retry-After gives; spread requests over the minute, or ask a steward for a larger quota.',
  },
  {
    code: 'METHOD_NOT_ALLOWED',
    status: '405',
    when: '/health, /ready or /metrics asked with a method other than GET or HEAD.',
    fix: 'Use GET.',
  },
  {
    code: 'MASK_NOT_APPLICABLE',
    status: '200',
    when: 'A grant masks a field whose type cannot carry a masked value.',
    fix: "Ask a steward to correct the grant's mask.",
  },
  {
    code: 'AUDIT_UNAVAILABLE',
    status: '503',
    when: 'Personal data was asked for while the audit store cannot record the access; open data still answers.',
    fix: 'Retry later.',
  },
  {
    code: 'IDENTITY_PROVIDER_UNAVAILABLE',
    status: '503',
    when: "A citizen's or a steward's sign-in could not reach the province's identity provider (its discovery document did not load); nothing was signed in.",
    fix: 'Retry later; operators check CITIZEN_OIDC_ISSUER or STEWARD_OIDC_ISSUER and the route to the provider.',
  },
  {
    code: 'SUBGRAPH_UNAVAILABLE',
    status: '200',
    when: "A subgraph is down (connection refused, HTTP 5xx, an answer that is not GraphQL). Each field it left null gets an error with that field's `path`; `extensions.serviceName` names it, and the others' data is still returned.",
    fix: 'Retry later; the data of the other sectors is valid.',
  },
  {
    code: 'SUBGRAPH_TIMEOUT',
    status: '200',
    when: 'A subgraph did not answer within `SUBGRAPH_TIMEOUT_MS`; each field it left null gets an error with its `path`, and the rest of the data is returned.',
    fix: 'Retry later; ask for fewer rows if it recurs.',
  },
  {
    code: 'SUBGRAPH_AUTHENTICATION_FAILED',
    status: '200',
    when: "A subgraph refused the gateway's signature: the two do not share `SUBGRAPH_SIGNING_KEY`, or their clocks differ by more than the signature's 30 s. Each field it left null gets an error with its `path`; the subgraph's reason goes to the gateway's log.",
    fix: "Tell the platform's operators: this is a configuration fault, not yours.",
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
    code: 'LEGAL_BASIS_NOT_IN_REGISTER',
    status: '400',
    when: 'In /admin or the CLI: a grant cites no legal instrument, or a number the legal register does not hold; a replacement or amendment names an entry the register does not hold.',
    fix: 'Cite instruments by their number as the register holds them (`legalInstruments` on /admin); add a missing one to the register first.',
  },
  {
    code: 'LEGAL_BASIS_REPLACED',
    status: '400',
    when: 'In /admin or the CLI: a grant cites an instrument already replaced on the day the grant starts (Decree 13/2023 from 1 January 2026).',
    fix: 'Cite its successors instead; the message names them.',
  },
  {
    code: 'INTERNAL_SERVER_ERROR',
    status: '500, or 200 beside data',
    when: 'Anything else; details go to the server log only.',
    fix: "Report the time of the request to the platform's operators.",
  },
];

import fs from 'node:fs';
import path from 'node:path';
import { GraphQLError } from 'graphql';
import { ERROR_GUIDE } from '../../common/errorGuide';
import { badUserInput } from '../../common/errors';
import { AuditUnavailableError } from '../../gateway/audit/errors';
import { manifestInvalid } from '../../gateway/operations/manifest';
import { notInRegister } from '../../gateway/register/citation';
import { answered, answeredFields, withRefusalStatus } from '../../gateway/refusalStatus';
import {
  AuthenticationError,
  REFUSAL_STATUS,
  StoreError,
  StoreErrorCode,
  badInput,
  conflict,
  forbidden,
  notFound,
  refusalStatus,
} from '../../gateway/store/errors';
import { fourEyesRequired } from '../../gateway/store/fourEyes';
import { outsideStewardQueue } from '../../gateway/store/stewardQueue';

const GATEWAY = path.join(__dirname, '..', '..', 'gateway');
/** The stewards' and the agencies' APIs, and the stores behind them. */
const API_FOLDERS = ['admin', 'selfService', 'store', 'sharing', 'register'];
/** The data API's request checks, imported by the self-service for its types: their refusals are /graphql's own. */
const NOT_SCANNED = ['enforcement'];

/** Given a file, returns the gateway's modules it imports (relative imports that resolve to a file under gateway/). */
function importsOf(file: string): string[] {
  const found = [...fs.readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)].map((match) => path.resolve(path.dirname(file), match[1]!));
  return found.flatMap((base) => [`${base}.ts`, path.join(base, 'index.ts')].filter((candidate) => fs.existsSync(candidate)).slice(0, 1));
}

/** Returns the files whose refusals the APIs answer: every module of their folders, and each module their resolvers import. */
function scannedFiles(): string[] {
  const inFolders = API_FOLDERS.flatMap((folder) =>
    fs
      .readdirSync(path.join(GATEWAY, folder))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => path.join(GATEWAY, folder, name)),
  );
  const resolvers = inFolders.filter((file) => /[/\\](admin|selfService)[/\\]/.test(file));
  const all = new Set([...inFolders, ...resolvers.flatMap(importsOf)]);
  return [...all].filter((file) => file.startsWith(GATEWAY) && !NOT_SCANNED.some((folder) => file.includes(`${path.sep}${folder}${path.sep}`)));
}

const codeOf = (error: GraphQLError): string => String(error.extensions.code);

/**
 * How each function or class thrown in those files refuses, by the code it gives; null for what is no refusal (a
 * fault, answered as a bare 500, or a rethrow). A new way of throwing fails the test below until it is listed.
 */
const THROWN: Readonly<Record<string, string | null>> = {
  badInput: codeOf(badInput('x')),
  notFound: codeOf(notFound('x')),
  conflict: codeOf(conflict('x')),
  forbidden: codeOf(forbidden('x')),
  fourEyesRequired: codeOf(fourEyesRequired('x')),
  outsideStewardQueue: codeOf(outsideStewardQueue('x')),
  notInRegister: codeOf(notInRegister('x')),
  manifestInvalid: codeOf(manifestInvalid(['x'])),
  badUserInput: codeOf(badUserInput('x')),
  AuthenticationError: codeOf(new AuthenticationError('x')),
  // jwt.ts's refusal of a token: an AuthenticationError, as its return type says.
  refusalOf: StoreErrorCode.UNAUTHENTICATED,
  AuditUnavailableError: codeOf(new AuditUnavailableError('x')),
  // Its code is named beside it (StoreErrorCode.X), which the scan reads.
  StoreError: null,
  Error: null,
  error: null,
  principal: null,
  withRefusalStatus: null,
};

/** Codes that are no refusal but an outage: the error carries its 5xx itself. */
const OUTAGES: Readonly<Record<string, GraphQLError>> = { AUDIT_UNAVAILABLE: new AuditUnavailableError('x') };

/** Given the scanned files, returns each code thrown or named in them, with one file that does. */
function codesThrown(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const file of scannedFiles()) {
    const text = fs.readFileSync(file, 'utf8');
    const named = [...text.matchAll(/ErrorCode\.([A-Z_]+)|code: '([A-Z_]+)'/g)].map((match) => match[1] ?? match[2]!);
    const thrown = [...text.matchAll(/throw (?:new )?([A-Za-z_]+)/g)].map((match) => {
      const thrower = match[1]!;
      if (!(thrower in THROWN)) throw new Error(`${path.relative(GATEWAY, file)} throws ${thrower}: list it in THROWN with the code it gives`);
      return THROWN[thrower];
    });
    for (const code of [...named, ...thrown]) if (code) codes.set(code, path.relative(GATEWAY, file));
  }
  return codes;
}

describe('the HTTP status of a refusal', () => {
  it.each(Object.values(StoreErrorCode))('gives %s a 4xx, which a StoreError carries wherever it is thrown', (code) => {
    const status = REFUSAL_STATUS[code];
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(refusalStatus(code)).toBe(status);
    expect(new StoreError(code, 'x').extensions.http).toEqual({ status });
  });

  it('scans the files of the APIs and finds their refusals', () => {
    const files = scannedFiles().map((file) => path.relative(GATEWAY, file));
    expect(files).toEqual(expect.arrayContaining(['admin/resolvers.ts', 'store/stewardship.ts', 'console/accounts.ts', 'operations/registration.ts']));
    expect(files.some((file) => file.startsWith('enforcement'))).toBe(false);
    expect([...codesThrown().keys()]).toEqual(expect.arrayContaining(['BAD_USER_INPUT', 'FOUR_EYES_REQUIRED', 'LEGAL_BASIS_REPLACED', 'AUDIT_UNAVAILABLE']));
  });

  it.each([...codesThrown()])('has a status for %s, thrown in %s', (code) => {
    const outage = OUTAGES[code];
    if (outage) expect((outage.extensions.http as { status: number }).status).toBe(503);
    else expect(refusalStatus(code)).toEqual(expect.any(Number));
  });

  it('has none for what is no refusal: no code, an unknown one, a fault', () => {
    for (const code of [undefined, 'INTERNAL_SERVER_ERROR', 'toString', '__proto__', 42]) expect(refusalStatus(code)).toBeUndefined();
  });

  it("tells the error guide's status for each code", () => {
    for (const code of Object.values(StoreErrorCode)) {
      const entry = ERROR_GUIDE.find((each) => each.code === code);
      expect({ code, status: entry?.status.slice(0, 3) }).toEqual({ code, status: String(REFUSAL_STATUS[code]) });
    }
  });
});

describe('answered', () => {
  const plain = (code: string) => new GraphQLError('refused', { extensions: { code } });

  it('gives a refusal without a status the status of its code, keeping its message and extensions', async () => {
    const refused = withRefusalStatus(new GraphQLError('no such', { extensions: { code: 'NOT_FOUND', argumentName: 'id' } })) as GraphQLError;
    expect(refused.message).toBe('no such');
    expect(refused.extensions).toEqual({ code: 'NOT_FOUND', argumentName: 'id', http: { status: 404 } });
    await expect(answered(() => Promise.reject(plain('CONFLICT')))).rejects.toMatchObject({ extensions: { http: { status: 409 } } });
    let thrown: unknown;
    try {
      answered(() => badUserInputThrown());
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      message: 'a malformed national ID',
      extensions: { code: 'BAD_USER_INPUT', argumentName: 'nationalId', http: { status: 400 } },
    });
  });

  it('keeps a status the error carries, and leaves a fault or an unknown code as it is', async () => {
    const outage = new AuditUnavailableError('down');
    expect(withRefusalStatus(outage)).toBe(outage);
    const fault = new Error('SELECT * FROM grants failed');
    await expect(answered(() => Promise.reject(fault))).rejects.toBe(fault);
    const unknown = plain('SOMETHING_NEW');
    expect(withRefusalStatus(unknown)).toBe(unknown);
    expect(withRefusalStatus('a string')).toBe('a string');
  });

  it('answers what succeeds unchanged, synchronously when the field is', async () => {
    expect(answered(() => 7)).toBe(7);
    await expect(answered(() => Promise.resolve('done'))).resolves.toBe('done');
    const fields = answeredFields({
      sum: (_source: unknown, args: { a: number; b: number }) => args.a + args.b,
      refuse: () => Promise.reject(plain('FORBIDDEN')),
    });
    expect(fields.sum(null, { a: 2, b: 3 })).toBe(5);
    await expect(fields.refuse()).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
  });
});

function badUserInputThrown(): never {
  throw badUserInput('a malformed national ID', 'nationalId');
}

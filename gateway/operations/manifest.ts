import { createHash } from 'node:crypto';
import { Kind, parse } from 'graphql';
import type { OperationDefinitionNode } from 'graphql';
import { printable } from '../../common/nationalId';
import { StoreError, StoreErrorCode } from '../store/errors';
import { OPERATION_TYPES } from './types';
import type { ManifestFormat, OperationType, RegisteredOperation } from './types';

/** The largest list one upload may hold, and the longest operation: beyond, a build file is not an application's. */
export const MAX_OPERATIONS = 5000;
export const MAX_BODY_CHARACTERS = 100_000;
/** How many problems a refusal names; the count says how many there were. */
const PROBLEMS_SHOWN = 20;

const SHA256_HEX = /^[0-9a-f]{64}$/;
const SHA1_HEX = /^[0-9a-f]{40}$/;

/** A manifest read and checked: its format and its operations, each with its id, name and type as its body says. */
export interface ParsedManifest {
  format: ManifestFormat;
  operations: RegisteredOperation[];
}

/** Given a document's text, returns its id: the SHA-256 of its UTF-8 bytes, lower-case hex (what APQ clients send too). */
export function operationId(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/** Given problems found in a manifest, returns the refusal naming them (OPERATION_MANIFEST_INVALID, HTTP 400). */
export function manifestInvalid(problems: readonly string[]): StoreError {
  const shown = problems.slice(0, PROBLEMS_SHOWN);
  const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
  return new StoreError(StoreErrorCode.OPERATION_MANIFEST_INVALID, `The operation manifest was refused, nothing was registered: ${shown.join('; ')}${more}`, {
    problems: shown,
    problemCount: problems.length,
  });
}

/** Given a document's text, returns its one operation, or what is wrong with it. */
function soleOperation(body: string): OperationDefinitionNode | string {
  let operations: OperationDefinitionNode[];
  try {
    operations = parse(body, { noLocation: true }).definitions.filter(
      (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
    );
  } catch (error) {
    return `does not parse (${(error as Error).message})`;
  }
  if (operations.length !== 1) return `holds ${operations.length} operations, where a persisted document holds exactly one`;
  return operations[0]!;
}

/** Given an entry's label, body and what it declares, returns it as a registered operation, or adds its problem. */
function operationOf(label: string, body: unknown, declared: { id: string; name?: unknown; type?: unknown }, problems: string[]): RegisteredOperation | null {
  if (typeof body !== 'string' || body.trim() === '') {
    problems.push(`${label}: the body is not a non-empty string`);
    return null;
  }
  if (body.length > MAX_BODY_CHARACTERS) {
    problems.push(`${label}: the body is longer than ${MAX_BODY_CHARACTERS} characters`);
    return null;
  }
  const id = operationId(body);
  if (declared.id !== id) {
    problems.push(`${label}: the id is not the SHA-256 of the body (expected ${id}); generate the manifest with SHA-256 ids`);
    return null;
  }
  const operation = soleOperation(body);
  if (typeof operation === 'string') {
    problems.push(`${label}: the document ${operation}`);
    return null;
  }
  const name = operation.name?.value ?? null;
  const type = operation.operation as OperationType;
  if (declared.name !== undefined && declared.name !== null && declared.name !== name) {
    problems.push(`${label}: the name "${printable(String(declared.name))}" is not the operation's (${name ?? 'anonymous'})`);
    return null;
  }
  if (declared.type !== undefined && declared.type !== type) {
    problems.push(`${label}: the type "${printable(String(declared.type))}" is not the operation's (${type})`);
    return null;
  }
  return { id, name, type, body };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function apolloOperations(manifest: Record<string, unknown>, problems: string[]): RegisteredOperation[] {
  if (manifest.format !== 'apollo-persisted-query-manifest')
    problems.push(`the format "${printable(String(manifest.format))}" is not "apollo-persisted-query-manifest"`);
  if (manifest.version !== 1) problems.push(`the manifest version ${printable(String(manifest.version))} is not 1`);
  if (!Array.isArray(manifest.operations)) {
    problems.push('"operations" is not an array');
    return [];
  }
  return manifest.operations.flatMap((entry: unknown, index) => {
    const label = `operation ${index}`;
    if (!isRecord(entry)) {
      problems.push(`${label}: not an object with id, name, type and body`);
      return [];
    }
    if (typeof entry.id !== 'string') {
      problems.push(`${label}: the id is not a string`);
      return [];
    }
    if (!OPERATION_TYPES.includes(entry.type as OperationType)) {
      problems.push(`${label}: the type "${printable(String(entry.type))}" is not query, mutation or subscription`);
      return [];
    }
    const operation = operationOf(`${label} (${printable(entry.id)})`, entry.body, { id: entry.id, name: entry.name, type: entry.type }, problems);
    return operation ? [operation] : [];
  });
}

function codegenOperations(manifest: Record<string, unknown>, problems: string[]): RegisteredOperation[] {
  return Object.entries(manifest).flatMap(([key, body]) => {
    const hash = key.startsWith('sha256:') ? key.slice('sha256:'.length) : key;
    if (SHA1_HEX.test(hash)) {
      problems.push(`document ${key}: a SHA-1 hash; set the codegen's persistedDocuments.hashAlgorithm to "sha256"`);
      return [];
    }
    if (!SHA256_HEX.test(hash)) {
      problems.push(`document "${printable(key)}": the key is not a SHA-256 hash in lower-case hex`);
      return [];
    }
    const operation = operationOf(`document ${hash}`, body, { id: hash }, problems);
    return operation ? [operation] : [];
  });
}

/**
 * Given the text of a build's operation file, returns its operations, or throws OPERATION_MANIFEST_INVALID naming
 * every problem. Two formats are read: Apollo's persisted-query manifest
 * (`{"format":"apollo-persisted-query-manifest","version":1,"operations":[{id,name,type,body}]}`) and GraphQL
 * Codegen's persisted documents (`{"<sha256>":"<document>"}`). Each id must be the SHA-256 of its body, each body a
 * single operation (with its fragments), and a declared name or type the body's own.
 */
export function parseManifest(text: string): ParsedManifest {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw manifestInvalid(['the file is not JSON']);
  }
  if (!isRecord(manifest)) throw manifestInvalid(['the file is not a JSON object: expected an Apollo manifest or a codegen persisted-documents object']);
  const problems: string[] = [];
  const format: ManifestFormat = 'format' in manifest || 'operations' in manifest ? 'APOLLO_MANIFEST' : 'CODEGEN_DOCUMENTS';
  const operations = format === 'APOLLO_MANIFEST' ? apolloOperations(manifest, problems) : codegenOperations(manifest, problems);
  if (operations.length > MAX_OPERATIONS) problems.push(`${operations.length} operations, more than the ${MAX_OPERATIONS} one list may hold`);
  const seen = new Set<string>();
  for (const operation of operations) {
    if (seen.has(operation.id)) problems.push(`the operation ${operation.id} is listed twice`);
    seen.add(operation.id);
  }
  if (problems.length > 0) throw manifestInvalid(problems);
  return { format, operations };
}

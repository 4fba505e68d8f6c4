import fs from 'node:fs';
import path from 'node:path';

/** An operation document a client relies on (a registered, persisted operation), named for the report. */
export interface OperationDocument {
  name: string;
  body: string;
}

/** Given a file and its parsed JSON, returns its operations, or throws when it is no list of operations known here. */
function operationsOfJson(file: string, json: unknown): OperationDocument[] {
  const entries: unknown[] | null =
    typeof json === 'object' && json !== null && !Array.isArray(json) && Array.isArray((json as { operations?: unknown }).operations)
      ? (json as { operations: unknown[] }).operations
      : Array.isArray(json)
        ? json
        : null;
  if (entries === null && typeof json === 'object' && json !== null) {
    // A map of operation id to its text, as Relay's and many clients' persisted-query files are.
    const values = Object.entries(json as Record<string, unknown>);
    if (values.every(([, body]) => typeof body === 'string'))
      return values.map(([id, body]) => ({ name: `${path.basename(file)} ${id}`, body: body as string }));
  }
  if (entries === null) throw new Error(`${file}: expected a list of operations, {"operations": [...]} or a map of id to operation text`);
  return entries.map((entry, index) => {
    if (typeof entry === 'string') return { name: `${path.basename(file)} #${index + 1}`, body: entry };
    const { name, id, body, query } = (entry ?? {}) as { name?: unknown; id?: unknown; body?: unknown; query?: unknown };
    const text = typeof body === 'string' ? body : typeof query === 'string' ? query : null;
    if (text === null) throw new Error(`${file}: operation ${index + 1} has no "body" or "query" text`);
    const label = [typeof name === 'string' ? name : null, typeof id === 'string' ? `(${id})` : null].filter(Boolean).join(' ');
    return { name: label || `${path.basename(file)} #${index + 1}`, body: text };
  });
}

/**
 * Given files of operations, returns every operation they hold: a .graphql or .gql file is one document (named
 * after the file); a .json file is an Apollo persisted-query manifest ({"operations": [{ id, name, body }]}), a
 * list of such entries or of strings, or a map of id to text. Throws, naming the file, on anything else.
 */
export function readOperationFiles(files: readonly string[]): OperationDocument[] {
  return files.flatMap((file) => {
    const text = fs.readFileSync(file, 'utf8');
    if (/\.(graphql|gql)$/i.test(file)) return [{ name: path.basename(file), body: text }];
    if (/\.json$/i.test(file)) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new Error(`${file}: not JSON`);
      }
      return operationsOfJson(file, json);
    }
    throw new Error(`${file}: operations come in .graphql, .gql or .json files`);
  });
}

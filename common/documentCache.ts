import { Kind, specifiedRules, parse, validate, visit, BREAK } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';

/** How many distinct query texts a subgraph keeps parsed and validated: the gateway's plans ask a handful per shape. */
export const DOCUMENT_CACHE_CAPACITY = 1000;

/** The longest query text kept: a longer one is parsed and validated each time, so the cache stays small. */
export const MAX_CACHED_QUERY_LENGTH = 64 * 1024;

/**
 * Remembers, per query text, the document graphql-js parsed and validated against the schema, or null for a
 * text the shortcut leaves to Apollo Server (it does not parse, does not validate, or asks for introspection).
 * Bounded: past its capacity the entry used least recently goes (a Map iterates in insertion order), and a text
 * over MAX_CACHED_QUERY_LENGTH is not kept.
 */
export class DocumentCache {
  private readonly entries = new Map<string, DocumentNode | null>();

  constructor(private readonly capacity = DOCUMENT_CACHE_CAPACITY) {}

  get size(): number {
    return this.entries.size;
  }

  /** Given a query text and the schema, returns its validated document, from the cache when it holds the text. */
  documentOf(schema: GraphQLSchema, query: string): DocumentNode | null {
    const cached = this.entries.get(query);
    if (cached !== undefined) {
      this.entries.delete(query);
      this.entries.set(query, cached);
      return cached;
    }
    const prepared = validatedDocument(schema, query);
    if (query.length > MAX_CACHED_QUERY_LENGTH) return prepared;
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(query, prepared);
    return prepared;
  }
}

/** Given a document, tells whether it asks for the schema's introspection (__schema or __type), which Apollo Server may refuse. */
function asksIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.FIELD]: (node) => {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Given the schema and a query text, returns its document when it parses and passes graphql-js's validation
 * (the rules Apollo Server applies to a subgraph without introspection), or null: a text that fails either, or
 * asks for introspection, is answered by Apollo Server, with its own errors and status.
 */
export function validatedDocument(schema: GraphQLSchema, query: string): DocumentNode | null {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return null;
  }
  if (asksIntrospection(document)) return null;
  return validate(schema, document, specifiedRules).length === 0 ? document : null;
}

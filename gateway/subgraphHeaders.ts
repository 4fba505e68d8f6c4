import type { FetcherHeaders } from '@apollo/utils.fetcher';

/**
 * The headers of one subgraph call: what node-fetch's Headers offers the data source's hooks (willSendRequest,
 * didReceiveResponse), over a plain record with lower-case names that the fetcher is handed as it is, with no
 * Headers built and copied per call. Names and values are checked where they are written on the wire.
 */
export class SubgraphHeaders implements FetcherHeaders {
  /** The headers by lower-case name; a null prototype, so that no header name reaches Object.prototype. */
  readonly record: Record<string, string> = Object.create(null) as Record<string, string>;

  /** Given headers to start from (the executor's, when it asks for a trace), copies them in. */
  constructor(initial?: Iterable<[string, string]>) {
    if (initial) for (const [name, value] of initial) this.append(name, value);
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const existing = this.record[key];
    this.record[key] = existing === undefined ? value : `${existing}, ${value}`;
  }

  delete(name: string): void {
    delete this.record[name.toLowerCase()];
  }

  get(name: string): string | null {
    return this.record[name.toLowerCase()] ?? null;
  }

  has(name: string): boolean {
    return this.record[name.toLowerCase()] !== undefined;
  }

  set(name: string, value: string): void {
    this.record[name.toLowerCase()] = value;
  }

  entries(): Iterator<[string, string]> {
    return Object.entries(this.record)[Symbol.iterator]();
  }

  keys(): Iterator<string> {
    return Object.keys(this.record)[Symbol.iterator]();
  }

  values(): Iterator<string> {
    return Object.values(this.record)[Symbol.iterator]();
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return this.entries();
  }
}

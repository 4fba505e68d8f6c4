/** The label value of everything a bounded label does not name itself. */
export const OTHER = 'other';

/** A GraphQL name, as an operation name is: anything else is never a label of its own. */
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * A label whose values are bounded: the first `capacity` well-formed names it is given keep their own value, the
 * rest are "other". A name once admitted stays (a series that came and went would read as a counter reset), so
 * the number of series never grows past capacity + 1, whatever clients send.
 */
export class BoundedNames {
  private readonly admitted = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** Given a name (or null), returns its label value: the name when admitted, "none" for no name, else "other". */
  labelOf(name: string | null | undefined): string {
    if (name === null || name === undefined || name === '') return 'none';
    if (this.admitted.has(name)) return name;
    if (this.admitted.size >= this.capacity || !GRAPHQL_NAME.test(name)) return OTHER;
    this.admitted.add(name);
    return name;
  }

  /** How many names have a label of their own. */
  get size(): number {
    return this.admitted.size;
  }
}

/**
 * Given a function making a metric's child for label values, returns a lookup that makes each child once and
 * then finds it through nested maps: no key string is built and hashed per call, as prom-client's labels() does.
 */
export function childCache<Child>(make: (...values: string[]) => Child): (...values: string[]) => Child {
  const root = new Map<string, unknown>();
  return (...values: string[]) => {
    let level = root;
    for (let index = 0; index < values.length - 1; index += 1) {
      let next = level.get(values[index]!) as Map<string, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(values[index]!, next);
      }
      level = next;
    }
    const last = values[values.length - 1]!;
    let child = level.get(last) as Child | undefined;
    if (child === undefined) {
      child = make(...values);
      level.set(last, child);
    }
    return child;
  };
}

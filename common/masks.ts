/** Ways a value may be disclosed partially. */
export const MASK_KINDS = [
  /** 038*******12: the province code and the last two digits of a national ID. */
  'PARTIAL_ID',
  /** 1985: the year of a date. */
  'YEAR_ONLY',
  /** Nguyễn V. A.: the family name and initials. */
  'INITIALS',
  /** *** in place of the value. */
  'REDACTED',
] as const;
export type MaskKind = (typeof MASK_KINDS)[number];

/**
 * Given a value and a mask kind, returns what the caller may see of it:
 * PARTIAL_ID 038085001234 -> 038*******34; YEAR_ONLY 1985-06-18 -> 1985;
 * INITIALS Nguyễn Văn An -> Nguyễn V. A.; REDACTED anything -> ***. Null stays null.
 */
export function applyMask(value: unknown, mask: MaskKind): unknown {
  if (value === null || value === undefined) return value;
  const text = String(value);
  switch (mask) {
    case 'PARTIAL_ID':
      return text.length <= 5 ? '*'.repeat(text.length) : `${text.slice(0, 3)}${'*'.repeat(text.length - 5)}${text.slice(-2)}`;
    case 'YEAR_ONLY':
      return /^\d{4}/.test(text) ? text.slice(0, 4) : '***';
    case 'INITIALS': {
      const [family, ...rest] = text.split(/\s+/).filter(Boolean);
      return [family, ...rest.map((part) => `${[...part][0]}.`)].join(' ');
    }
    case 'REDACTED':
      return '***';
  }
}

/**
 * Given a field's value and a mask kind, returns it masked: each item of a list, the value itself otherwise. The
 * one masking the gateway (response policy) and the subgraphs (their field resolvers) both apply.
 */
export function maskValue(value: unknown, mask: MaskKind): unknown {
  return Array.isArray(value) ? value.map((item) => maskValue(item, mask)) : applyMask(value, mask);
}

/** An origin as a browser sends it: scheme, host and port, no path; never a wildcard, never "null". */
const ORIGIN = /^https?:\/\/(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(:\d{1,5})?$/;

/**
 * Given CORS_ORIGINS (comma-separated), returns the allowed origins, or the problems with them. A wildcard is
 * refused: every request may carry a credential, and a credential must never be readable by any site.
 */
export function parseCorsOrigins(raw: string | undefined): { origins: string[]; problems: string[] } {
  const entries = (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const problems = entries
    .filter((entry) => !ORIGIN.test(entry))
    .map((entry) =>
      entry === '*' || entry === 'null'
        ? `CORS_ORIGINS may not hold "${entry}": list each web application's origin (https://host[:port])`
        : `CORS_ORIGINS entries must be origins such as https://app.example.vn (scheme, lower-case host, port; no path), got "${entry.slice(0, 80)}"`,
    );
  return { origins: entries.filter((entry) => ORIGIN.test(entry)), problems };
}

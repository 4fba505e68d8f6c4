/**
 * Given an ES module's name, imports it natively. openid-client 6 and oidc-provider 8 are ES modules only, and
 * TypeScript compiles `import()` to `require` under CommonJS; the Function keeps Node's own import.
 */
export const importEsm = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;

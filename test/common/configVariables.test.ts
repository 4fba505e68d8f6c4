import { ConfigError } from '../../common/config';
import { configurationVariables, variablesReadBy } from '../../common/configVariables';
import type { Environment } from '../../common/environment';

describe('variablesReadBy', () => {
  it('finds a variable read only when another is set, however deep the chain', () => {
    const load = (environment: Environment) => {
      if (environment.FIRST !== undefined && environment.SECOND !== undefined) void environment.THIRD;
      if (environment.FIRST !== undefined) void environment.SECOND;
      throw new ConfigError(['every value is junk']);
    };
    expect([...variablesReadBy(load)].sort()).toEqual(['FIRST', 'SECOND', 'THIRD']);
  });

  it('passes on a failure that is not a verdict on the configuration', () => {
    expect(() =>
      variablesReadBy(() => {
        throw new TypeError('a bug');
      }),
    ).toThrow(TypeError);
  });
});

describe('configurationVariables', () => {
  const variables = configurationVariables();

  it("lists what the configuration reads on every branch: MySQL's, the tokens', TLS, the witness's", () => {
    expect(variables).toEqual(
      expect.arrayContaining(['PORT', 'MYSQL_PASSWORD', 'MYSQL_DATABASE_GATEWAY', 'JWT_AUDIENCE', 'JWT_JWKS_FILE', 'SUBGRAPH_TLS_CLIENT_CA', 'WITNESS_PORT']),
    );
    expect(variables).toEqual([...new Set(variables)].sort());
  });

  it('lists nothing the configuration does not read', () => {
    expect(variables).not.toContain('APOLLO_TELEMETRY_DISABLED');
    expect(variables.every((name) => /^[A-Z][A-Z0-9_]*$/.test(name))).toBe(true);
  });
});

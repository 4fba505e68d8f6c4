import { randomUUID } from 'node:crypto';
import { ConfigError, loadConfig, loadTracingConfig } from '../../common/config';
import { BoundedNames } from '../../common/metrics/boundedLabels';
import { metricsAccess } from '../../common/metrics/metricsAccess';
import { acceptedRequestId } from '../../common/requestId';

describe('metricsAccess', () => {
  const check = metricsAccess({ allowedNetworks: ['127.0.0.0/8', '::1/128', '10.20.0.0/16', 'fd00::/8'], token: 'a-token-of-at-least-24-characters' });

  it('lets in the allowed networks, IPv4 as a dual-stack socket names it included', () => {
    for (const address of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1', '10.20.3.4', '::ffff:10.20.255.1', 'fd12::1'])
      expect(check(address, undefined)).toBeNull();
  });

  it('refuses every other address without a token with 403 FORBIDDEN, and no address at all', () => {
    for (const address of ['10.21.0.1', '::ffff:10.21.0.1', '192.168.1.1', 'fe80::1', '::2', undefined]) {
      expect(check(address, undefined)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    }
  });

  it('takes the token from anywhere, and refuses a wrong or malformed one with 401 UNAUTHENTICATED, even from an allowed network', () => {
    expect(check('192.168.1.1', 'Bearer a-token-of-at-least-24-characters')).toBeNull();
    expect(check('192.168.1.1', 'bearer a-token-of-at-least-24-characters')).toBeNull();
    for (const authorization of ['Bearer a-token-of-at-least-24-characterz', 'Bearer a-token', 'Bearer ', 'a-token-of-at-least-24-characters']) {
      expect(check('127.0.0.1', authorization)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
    expect(metricsAccess({ allowedNetworks: [], token: null })('127.0.0.1', 'Bearer anything-at-all-here-24-chars')).toMatchObject({ status: 401 });
  });
});

describe('the metrics configuration', () => {
  it('defaults to the loopback only, no token, 100 operation names', () => {
    expect(loadConfig({}).metrics).toEqual({ allowedNetworks: ['127.0.0.0/8', '::1/128'], token: null, maxOperationNames: 100, enabled: true });
  });

  it('refuses malformed networks, a short token and a bad tracing endpoint, naming each', () => {
    let error: unknown;
    try {
      loadConfig({
        METRICS_ALLOWED_NETWORKS: '10.0.0.0/8, 10.0.0.1, 300.0.0.0/8, ::1/129',
        METRICS_TOKEN: 'short',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const named of ['"10.0.0.1"', '"300.0.0.0/8"', '"::1/129"', 'METRICS_TOKEN', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL'])
      expect(problems).toContain(named);
    expect(problems).not.toContain('"10.0.0.0/8"');
  });

  it('leaves tracing off unless OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
    expect(loadTracingConfig({})).toEqual({ endpoint: null });
    expect(loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({ endpoint: 'http://collector:4318' });
  });
});

describe('BoundedNames', () => {
  it('gives the first names their own label, then "other"; a name admitted stays; no name is "none"; a malformed one "other"', () => {
    const names = new BoundedNames(3);
    expect(['A', 'B', 'A', 'C', 'D', 'B'].map((name) => names.labelOf(name))).toEqual(['A', 'B', 'A', 'C', 'other', 'B']);
    expect(names.labelOf(null)).toBe('none');
    expect(new BoundedNames(3).labelOf('not a name')).toBe('other');
    const many = new BoundedNames(50);
    for (let index = 0; index < 1000; index += 1) many.labelOf(`Operation${index}`);
    expect(many.size).toBe(50);
  });
});

describe('acceptedRequestId', () => {
  it('takes a well-formed id as it is, every UUID included, and makes a UUID for anything else', () => {
    for (const id of ['proxy-7f3a.1', 'a', 'x'.repeat(128), 'gw:01/ok'.replace('/', '.'), '0b7f1c2e-1111-4222-8333-123456789012', randomUUID()])
      expect(acceptedRequestId(id)).toBe(id);
    for (const id of [undefined, '', 'x'.repeat(129), 'has space', 'a/b', 'id-038085001234', ['a', 'b']]) {
      const made = acceptedRequestId(id);
      expect(made).not.toBe(id);
      expect(made).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});

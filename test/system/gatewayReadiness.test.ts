import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { byBuiltInSector } from '../../common/sectors';
import { connect } from '../../db/connection';
import type { AuditLog } from '../../gateway/audit/auditLog';
import type { PolicyCache } from '../../gateway/store/policyCache';
import { runChecks } from '../../common/readiness';
import { gatewayReadiness, readyUrlOf, subgraphCheck } from '../../system/readiness';
import { unusedUrl } from '../helpers/platform';

describe('gatewayReadiness', () => {
  let directory: string;
  let db: Knex;

  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-readiness-'));
    db = connect({ engine: 'sqlite', dataDirectory: directory }, 'gateway');
  });

  afterAll(async () => {
    await db.destroy();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('is not ready while the audit store refuses records, nor before a policy is loaded', async () => {
    const down = await unusedUrl();
    const ready = gatewayReadiness({
      gatewayDb: db,
      policyCache: {
        current: () => {
          throw new Error('the policy cache has not been started');
        },
      } as unknown as PolicyCache,
      auditLog: { acceptingRecords: false } as AuditLog,
      subgraphUrls: byBuiltInSector(() => down),
    });
    const report = await ready();
    expect(report.status).toBe('not ready');
    expect(report.failing).toEqual(['policy', 'audit', 'population', 'land', 'health', 'education']);
    expect(report.dependencies.database).toEqual({ status: 'up' });
    expect(report.dependencies.policy).toEqual({ status: 'down', reason: 'no policy loaded' });
    expect(report.dependencies.audit).toEqual({ status: 'down', reason: 'the audit store cannot record: personal data is refused' });
  });

  it('leaves the audit out of a gateway that records nothing', async () => {
    const down = await unusedUrl();
    const report = await gatewayReadiness({
      gatewayDb: db,
      policyCache: { current: () => ({ version: 3 }) } as unknown as PolicyCache,
      auditLog: null,
      subgraphUrls: byBuiltInSector(() => down),
    })();
    expect(Object.keys(report.dependencies)).toEqual(['policy', 'database', 'population', 'land', 'health', 'education']);
    expect(report.dependencies.policy).toEqual({ status: 'up', version: 3 });
  });
});

describe('subgraphCheck', () => {
  it("passes on the names of a subgraph's failing dependencies, and nothing else of its answer", async () => {
    const server = http.createServer((_request, response) => {
      response.statusCode = 503;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ status: 'not ready', failing: ['database', '<script>', 'x'.repeat(80), 7], secret: 'k' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const report = await runChecks([subgraphCheck('land', `http://127.0.0.1:${port}/graphql`)], 1000);
      expect(report.dependencies.land).toEqual({ status: 'down', reason: 'HTTP 503', failing: ['database'] });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('readyUrlOf', () => {
  it('finds /ready beside /graphql, under a path prefix too', () => {
    expect(readyUrlOf('http://127.0.0.1:4001/graphql')).toBe('http://127.0.0.1:4001/ready');
    expect(readyUrlOf('https://lgsp.thanhhoa.gov.vn/land/graphql')).toBe('https://lgsp.thanhhoa.gov.vn/land/ready');
  });
});

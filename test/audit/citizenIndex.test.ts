import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { KeyLike } from 'jose';
import fs from 'node:fs';
import path from 'node:path';
import { startHttpServer } from '../../common/httpServer';
import type { HttpServerHandle } from '../../common/httpServer';
import { getLogger } from '../../common/logger';
import type { AuditLog } from '../../gateway/audit/auditLog';
import { AuditTrail } from '../../gateway/audit/auditTrail';
import { createCitizenRoute } from '../../gateway/audit/citizenRoute';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import type { AuditFixture } from './auditHelpers';
import { auditInput, createAuditFixture } from './auditHelpers';

const ISSUER = 'https://id.thanhhoa.gov.vn';
const AUDIENCE = 'dsp-gateway';
const AN = '038085000001';
const MY_ACCESS = '{ myDataAccess { nodes { reference dossierId } } }';

/**
 * A citizen's tracker served by a running gateway's log, whose memory says every record is indexed, while the
 * index rows and head in the database are changed under it: what the tracker reads must follow the database.
 */
describe('citizen tracker over an index lowered in the database', () => {
  let fixture: AuditFixture;
  let handle: HttpServerHandle;
  let log: AuditLog;
  let trail: AuditTrail;
  let url: string;
  let key: KeyLike;

  const asAn = async () => {
    const token = await new SignJWT({ sub: AN })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'id-1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
    return postGraphQL(url, MY_ACCESS, {}, { authorization: `Bearer ${token}` });
  };
  const dossiers = (response: Awaited<ReturnType<typeof asAn>>) => response.data!.myDataAccess.nodes.map((node: { dossierId: string }) => node.dossierId);
  const lowerHead = (seq: number) => fixture.db('audit_index_heads').where('instance', 'gw-hidden').update({ indexed_seq: seq });

  beforeAll(async () => {
    fixture = await createAuditFixture();
    const keys = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    key = keys.privateKey;
    const jwksFile = path.join(fixture.directory, 'jwks.json');
    fs.writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'id-1', alg: 'EdDSA', use: 'sig' }] }));
    log = await fixture.startLog('gw-hidden');
    for (const [index, dossierId] of ['HS-1', 'HS-2', 'HS-3'].entries()) {
      await log.append(auditInput({ at: new Date(Date.parse('2026-05-01T09:00:00.000Z') + index * 1000), citizenIds: [AN], dossierId }));
    }
    await log.indexed();
    trail = new AuditTrail({ repository: fixture.repository, deferredAgencies: [], deferralDays: 0, indexed: () => log.indexed() });
    handle = await startHttpServer(
      [createCitizenRoute({ trail, jwt: { issuer: ISSUER, audience: AUDIENCE, agencyClaim: 'agency_code', jwksUrl: null, jwksFile } })],
      { port: 0, host: '127.0.0.1' },
      getLogger('test'),
    );
    url = new URL('citizen', handle.baseUrl).toString();
  });

  afterAll(async () => {
    await handle?.stop();
    await fixture?.destroy();
  });

  it('still shows an access whose index rows were removed with the head lowered below it: the missing rows are indexed again', async () => {
    expect(dossiers(await asAn())).toEqual(['HS-3', 'HS-2', 'HS-1']);
    await fixture.db('audit_citizens').where({ instance: 'gw-hidden', seq: 3 }).delete();
    await lowerHead(2);
    expect(dossiers(await asAn())).toEqual(['HS-3', 'HS-2', 'HS-1']);
    expect(await fixture.repository.indexHead('gw-hidden')).toBe(3);
    // The stewards' reads by citizen go through the same index, and the same catching up.
    await fixture.db('audit_citizens').where({ instance: 'gw-hidden', seq: 3 }).delete();
    await lowerHead(2);
    expect((await trail.records({ nationalId: AN }, {})).nodes.map((record) => record.dossierId)).toEqual(['HS-3', 'HS-2', 'HS-1']);
  });

  it('refuses with AUDIT_UNAVAILABLE, rather than answer without it, when rows of an access below others were removed', async () => {
    await fixture.db('audit_citizens').where({ instance: 'gw-hidden', seq: 2 }).delete();
    await lowerHead(1);
    const response = await asAn();
    expect(response.status).toBe(503);
    expect(errorCodes(response)).toEqual(['AUDIT_UNAVAILABLE']);
    expect(response.errors![0]!.message).toMatch(/access index is behind the audit trail/);
    expect(JSON.stringify(response)).not.toMatch(/insert|constraint|sqlite|unique/i);
    // The verifier names the record whose rows are gone.
    expect((await fixture.verify('gw-hidden')).instances[0]!.problem).toMatchObject({ seq: 2, kind: 'INDEX' });
  });
});

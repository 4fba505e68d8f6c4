import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { AuditRepository } from '../gateway/audit/auditRepository';
import { AuditTree } from '../gateway/audit/auditTree';
import { TreeRepository } from '../gateway/audit/treeRepository';
import { FLOOR_MANY_CITIZENS } from './auditFloor';
import { medianMicros } from './limitsCost';
import { publicKeyText } from '../common/publicKeys';
import { chainRecords } from '../gateway/audit/chain';
import { keyIdOf, signCheckpoint } from '../gateway/audit/checkpoints';
import type { CheckpointKey } from '../gateway/audit/checkpoints';
import { GENESIS_HASH, sha256Hex } from '../gateway/audit/hashChain';
import type { NodeAddress } from '../gateway/audit/merkle';
import { TreeAppender, leafHash, nodeKey, pathRanges, rangeHash, rangeNodes } from '../gateway/audit/merkle';
import type { AccessProof } from '../gateway/audit/proofCheck';
import { verifyAccessProof } from '../gateway/audit/proofCheck';
import { citizenLeafProof, recordLeafHash, shownAccessOf } from '../gateway/audit/recordLeaf';
import { unchainedRecordOf } from '../gateway/audit/records';
import { cosign } from '../gateway/audit/witness/protocol';
import type { ProofCost } from './results';

/** The trail sizes a proof is measured in. */
export const PROOF_TRAIL_SIZES: readonly number[] = [1_000, 10_000, 100_000, 1_000_000];
const VERIFICATIONS = 200;
const CITIZEN = '038085000001';

function freshKey(): CheckpointKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** The trail sizes whose records are written to SQLite, their tree grown from them and read for a page of proofs. */
const STORED_SIZES = new Set([10_000, 100_000]);
/** The accesses a citizen's page shows at once. */
const PAGE = 20;

/**
 * Given a trail's size, writes that many records to a fresh SQLite gateway database, grows their tree as the
 * checkpoints do (reading the records back), and returns the growth's time per record (µs) and the median time
 * (ms) to read the inclusion paths of a page of accesses from the stored tree, as the page's API does.
 */
async function storedTree(size: number): Promise<{ storedGrowMicrosPerRecord: number; storedPageMs: number }> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-proof-bench-'));
  const db = connect({ engine: 'sqlite', dataDirectory: directory }, 'gateway');
  try {
    await migrateLatest(db, 'gateway');
    const records = new AuditRepository(db);
    const unchained = recordAt(1);
    let head = { seq: 0, hash: GENESIS_HASH };
    while (head.seq < size) {
      const batch = Array.from({ length: Math.min(1000, size - head.seq) }, (_, offset) => ({ ...unchained, dossier_id: `HS-${head.seq + offset}` }));
      const chained = chainRecords(head, batch);
      await records.appendBatch(chained.records, 60_000);
      head = chained.head;
    }
    const trees = new TreeRepository(db);
    const tree = new AuditTree(records, trees, 'gw-bench', size);
    // CPU rather than wall time: SQLite runs in the process, and a shared machine's waits are not the tree's.
    const growing = process.cpuUsage();
    await tree.grow(size);
    const grown = process.cpuUsage(growing);
    const storedGrowMicrosPerRecord = (grown.user + grown.system) / size;
    const seqs = Array.from({ length: PAGE }, (_, position) => 1 + Math.floor(((position + 0.5) * size) / PAGE));
    const times: number[] = [];
    for (let sample = 0; sample < 30; sample += 1) {
      const started = process.hrtime.bigint();
      await tree.paths(seqs, size);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    await records.close();
    return { storedGrowMicrosPerRecord, storedPageMs: times.sort((a, b) => a - b)[15]! };
  } finally {
    await db.destroy();
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

/** Given a seq (and how many citizens beyond the three it names), returns a record of a land office's read, chained at that seq. */
function recordAt(seq: number, moreCitizens = 0) {
  const unchained = unchainedRecordOf(
    {
      at: new Date('2026-05-01T09:00:00.000Z'),
      principal: {
        kind: 'AGENCY',
        agency: { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land', unitCodes: [], steward: false },
        credentialId: 'k3y1d000',
        userId: 'officer.nguyen',
      },
      purpose: 'LAND_REGISTRATION',
      dossierId: 'HS-2026-0001',
      operationName: 'Owners',
      query: 'query Owners($id: ID!) { parcel(id: $id) { owners { fullName dateOfBirth } } }',
      variables: { id: 'P-1' },
      fields: [
        {
          coordinate: 'Citizen.fullName',
          effect: 'ALLOW',
          rule: 'GRANT',
          grantId: '7',
          reason: 'granted',
          mask: null,
          neededGrant: null,
          scopeUnitCodes: null,
        },
        {
          coordinate: 'Citizen.dateOfBirth',
          effect: 'MASK',
          rule: 'GRANT',
          grantId: '7',
          reason: 'granted',
          mask: 'YEAR_ONLY',
          neededGrant: null,
          scopeUnitCodes: null,
        },
      ],
      citizenIds: [CITIZEN, '038190000002', '038301000003', ...Array.from({ length: moreCitizens }, (_, index) => `0384${String(index).padStart(8, '0')}`)],
      rowCount: 3 + moreCitizens,
      outcome: 'ALLOWED',
      errorCode: null,
      latencyMs: 12,
      policyVersion: 4,
    },
    'gw-bench',
  );
  return chainRecords({ seq: seq - 1, hash: sha256Hex(`record ${seq - 1}`) }, [unchained]).records[0]!;
}

/** Given an async step and a count, returns the median of its times in µs. */
async function medianMicrosAsync(run: () => Promise<unknown>, samples: number): Promise<number> {
  for (let sample = 0; sample < 10; sample += 1) await run();
  const times: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    const started = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/**
 * Given trail sizes, returns per size what one access's inclusion proof costs: its hashes and bytes as the citizen's
 * page receives it (signed checkpoint and a witness's countersignature included), the median time to verify it
 * the way the page and `audit:verify --record` do (WebCrypto, in Node here), and the tree's growth per record. The
 * other records' leaves are synthetic; the proven one is a real record's, naming three citizens.
 */
export async function measureProofCost(sizes: readonly number[] = PROOF_TRAIL_SIZES): Promise<ProofCost[]> {
  const gateway = freshKey();
  const witness = freshKey();
  const trust = { gatewayKeys: [publicKeyText(gateway.publicKey)], witnessKeys: [publicKeyText(witness.publicKey)] };
  const costs: ProofCost[] = [];
  const manyCitizens = recordAt(1, FLOOR_MANY_CITIZENS - 3);
  for (const size of sizes) {
    const index = Math.floor(size / 2) + 1;
    const record = recordAt(index + 1);
    const needed = new Set(pathRanges(index, size).flatMap(([start, end]) => rangeNodes(start, end).map(nodeKey)));
    const kept = new Map<string, Buffer>();
    const appender = new TreeAppender(0, []);
    const started = process.cpuUsage();
    for (let leaf = 0; leaf < size; leaf += 1)
      for (const node of appender.append(leaf === index ? recordLeafHash(record) : leafHash(`record ${leaf}`)))
        if (needed.has(nodeKey(node))) kept.set(nodeKey(node), node.hash);
    const used = process.cpuUsage(started);
    const growMicrosPerRecord = (used.user + used.system) / size;
    const path = pathRanges(index, size).map(([start, end]) => rangeHash(start, end, (address: NodeAddress) => kept.get(nodeKey(address))!).toString('hex'));
    const checkpoint = signCheckpoint(
      {
        instance: 'gw-bench',
        seq: size,
        headHash: sha256Hex('head'),
        treeSize: size,
        treeRoot: appender.root().toString('hex'),
        at: new Date().toISOString(),
        reason: 'INTERVAL',
      },
      gateway,
    );
    const proof: AccessProof = {
      ...citizenLeafProof(record, CITIZEN)!,
      leafIndex: index,
      treeSize: size,
      path,
      checkpoint,
      cosignatures: [cosign(checkpoint, witness, new Date().toISOString())],
    };
    const access = shownAccessOf(record);
    const outcome = await verifyAccessProof(access, CITIZEN, proof, trust);
    if (!outcome.verified) throw new Error(`The bench's proof for a trail of ${size} records does not verify: ${outcome.message}`);
    costs.push({
      records: size,
      pathHashes: path.length,
      proofBytes: Buffer.byteLength(JSON.stringify(proof)),
      verifyMicros: await medianMicrosAsync(() => verifyAccessProof(access, CITIZEN, proof, trust), VERIFICATIONS),
      growMicrosPerRecord,
      leafMicros: medianMicros(() => recordLeafHash(record), 500),
      leafManyMicros: medianMicros(() => recordLeafHash(manyCitizens), 50),
      ...(STORED_SIZES.has(size) ? await storedTree(size) : {}),
    });
  }
  return costs;
}

if (require.main === module) {
  measureProofCost().then(
    (costs) => {
      for (const cost of costs)
        process.stdout.write(
          `${cost.records.toLocaleString('en-US')} records: ${cost.pathHashes} hashes, ${cost.proofBytes} bytes, verified in ${(cost.verifyMicros / 1000).toFixed(2)} ms; ` +
            `tree grown at ${cost.growMicrosPerRecord.toFixed(2)} µs per record, a record's leaf ${cost.leafMicros.toFixed(1)} µs (${(cost.leafManyMicros! / 1000).toFixed(2)} ms naming ${FLOOR_MANY_CITIZENS})` +
            `${cost.storedPageMs === undefined ? '' : `; in SQLite, grown at ${cost.storedGrowMicrosPerRecord!.toFixed(1)} µs per record, ${PAGE} paths read in ${cost.storedPageMs.toFixed(2)} ms`}\n`,
        );
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}

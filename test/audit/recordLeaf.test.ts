import { GENESIS_HASH, recordHash, sha256Hex } from '../../gateway/audit/hashChain';
import { leafHash, treeHash } from '../../gateway/audit/merkle';
import { accessLeafText, citizenLeafText } from '../../gateway/audit/proofCheck';
import { citizenBlind, citizenLeafProof, recordLeafHash } from '../../gateway/audit/recordLeaf';
import { unchainedRecordOf } from '../../gateway/audit/records';
import type { AuditRecordRow } from '../../db/gatewayRows';
import { auditInput, decided } from './auditHelpers';

/** Given what to change in a statement, returns it as the first record of a chain. */
function recordOf(overrides: Parameters<typeof auditInput>[0]): AuditRecordRow {
  const content = { ...unchainedRecordOf(auditInput(overrides), 'gw-leaf'), seq: 1, previous_hash: GENESIS_HASH };
  return { ...content, hash: recordHash(content) };
}

/** Given a record naming one citizen, returns its leaf hash as proofCheck.ts states a leaf, computed from its columns alone. */
function expectedLeaf(record: AuditRecordRow): Buffer {
  const nationalId = (JSON.parse(record.citizen_ids_json) as string[])[0]!;
  const fields = JSON.parse(record.fields_json) as Array<{ coordinate: string; effect: string }>;
  return leafHash(
    accessLeafText({
      instance: record.instance,
      seq: record.seq,
      at: record.recorded_at,
      agencyCode: record.agency_code ?? '',
      agencyName: record.agency_name ?? '',
      purpose: record.purpose,
      dossierId: record.dossier_id,
      fieldsRead: fields.filter((field) => field.effect !== 'DENY').map((field) => field.coordinate),
      citizensRoot: treeHash([leafHash(citizenLeafText(nationalId, citizenBlind(record.hash, nationalId)))]).toString('hex'),
      sealed: sha256Hex(JSON.stringify(['dsp-audit-sealed/v1', record.hash])),
    }),
  );
}

describe('recordLeafHash', () => {
  const readAll = recordOf({ fields: [decided('Citizen.fullName'), decided('Citizen.dateOfBirth')] });
  const denied = recordOf({ fields: [decided('Citizen.fullName'), decided('Citizen.dateOfBirth', 'DENY')] });

  it("states each record's own fields read, whichever records' leaves were computed before, over and over", () => {
    for (let round = 0; round < 3; round += 1) {
      expect(recordLeafHash(readAll)).toEqual(expectedLeaf(readAll));
      expect(recordLeafHash(denied)).toEqual(expectedLeaf(denied));
    }
    expect(recordLeafHash(readAll)).not.toEqual(recordLeafHash(denied));
  });

  it('gives a record read back (its JSON a text of its own) the leaf of the record written', () => {
    const readBack = { ...readAll, fields_json: JSON.parse(JSON.stringify({ text: readAll.fields_json })).text as string };
    expect(recordLeafHash(readBack)).toEqual(recordLeafHash(readAll));
  });

  it("hands each citizen a list of fields of their own: changing one proof's list changes no other", () => {
    const nationalId = (JSON.parse(denied.citizen_ids_json) as string[])[0]!;
    const first = citizenLeafProof(denied, nationalId)!;
    expect(first.fieldsRead).toEqual(['Citizen.fullName']);
    first.fieldsRead.push('Citizen.dateOfBirth');
    expect(citizenLeafProof(denied, nationalId)!.fieldsRead).toEqual(['Citizen.fullName']);
    expect(recordLeafHash(denied)).toEqual(expectedLeaf(denied));
  });

  it('keeps to the last lists seen: many distinct lists leave every leaf as it is', () => {
    const records = Array.from({ length: 600 }, (_, index) => recordOf({ fields: [decided(`Citizen.field${index}`)] }));
    for (const record of records) recordLeafHash(record);
    for (const record of [records[0]!, records[599]!, readAll]) expect(recordLeafHash(record)).toEqual(expectedLeaf(record));
  });
});

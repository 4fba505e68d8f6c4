import { GENESIS_HASH, recordHash, recordText, sha256Hex } from '../../gateway/audit/hashChain';
import type { RecordContent } from '../../gateway/audit/hashChain';
import { unchainedRecordOf } from '../../gateway/audit/records';
import { auditInput, decided } from './auditHelpers';
import { referenceText } from './recordFormat';

/** Given what to change in a statement and in its columns, returns a record's content at seq 1. */
function contentOf(overrides: Parameters<typeof auditInput>[0], columns: Partial<RecordContent> = {}): RecordContent {
  return { ...unchainedRecordOf(auditInput(overrides), 'gw-text'), seq: 1, previous_hash: GENESIS_HASH, ...columns };
}

describe('recordText', () => {
  const hostile = `"\\'\u0000\u2028</script> Đăng ký 😀`;
  const cases: Array<[string, RecordContent]> = [
    ['an agency read', contentOf({})],
    [
      'quotes, controls and non-Latin text in every text column',
      contentOf({ dossierId: hostile, operationName: hostile, fields: [decided(`Citizen.${hostile}`)] }),
    ],
    ['an officer unit and a citizen caller', contentOf({}, { officer_unit: 'H56.20.01', caller_national_id: '038085001234' })],
    ['only the second added column', contentOf({}, { officer_unit: null, caller_national_id: '038085001234' })],
    [
      'columns a row predates (undefined) and nulls',
      contentOf({ policyVersion: null, errorCode: null }, { officer_unit: undefined, caller_national_id: undefined }),
    ],
    ['no fields at all', contentOf({ fields: [] })],
  ];

  it.each(cases)('is, byte for byte, the JSON array the record format defines: %s', (_, record) => {
    expect(recordText(record)).toBe(referenceText(record));
    expect(recordHash(record)).toBe(sha256Hex(referenceText(record)));
  });

  it('gives records sharing a fields list each their own text, whatever was hashed before and however many lists were seen', () => {
    const shared = contentOf({ fields: [decided('Citizen.fullName'), decided('Citizen.dateOfBirth', 'MASK', 'YEAR_ONLY')] });
    const lists = Array.from({ length: 700 }, (_, index) => contentOf({ fields: [decided(`Citizen.field${index}`)] }, { seq: index + 2 }));
    for (const record of [shared, ...lists, shared, lists[0]!, lists[699]!]) expect(recordText(record)).toBe(referenceText(record));
    // The same list as another text (read back from a database) hashes alike.
    const readBack = { ...shared, fields_json: `${shared.fields_json.slice(0, 1)}${shared.fields_json.slice(1)}` };
    expect(recordHash(readBack)).toBe(recordHash(shared));
    // One character of the list changed changes the hash.
    expect(recordHash({ ...shared, fields_json: shared.fields_json.replace('MASK', 'ALLOW') })).not.toBe(recordHash(shared));
  });

  it('writes a damaged row (no fields text at all) as the format does', () => {
    const damaged = { ...contentOf({}), fields_json: null as unknown as string };
    expect(recordText(damaged)).toBe(referenceText(damaged));
  });
});

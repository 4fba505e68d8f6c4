import { createHash } from 'node:crypto';
import type { RecordContent } from '../../gateway/audit/hashChain';
import { GENESIS_HASH, recordHash } from '../../gateway/audit/hashChain';
import { referenceText } from './recordFormat';

/** A record as every release before the officer's unit wrote it. */
const EARLIER: RecordContent = {
  instance: 'gw-1',
  seq: 7,
  previous_hash: GENESIS_HASH,
  recorded_at: '2026-11-02T03:04:05.678Z',
  agency_code: 'H56.20',
  agency_name: 'Văn phòng Đăng ký đất đai tỉnh Thanh Hóa',
  credential_id: 'taju6xae',
  user_id: 'canbo.01',
  purpose: 'LAND_REGISTRATION',
  dossier_id: 'HS-2026-0001',
  operation_name: null,
  operation_hash: 'a'.repeat(64),
  variables_hash: null,
  fields_json: '[]',
  field_set: null,
  citizen_ids_json: '["038085001234"]',
  row_count: 1,
  outcome: 'ALLOWED',
  error_code: null,
  latency_ms: 12,
  policy_version: 3,
};

/** The hash as the first format computed it, written out apart from the code under test: no added column. */
function firstFormatHash(record: RecordContent): string {
  return createHash('sha256')
    .update(referenceText({ ...record, officer_unit: null, caller_national_id: null }), 'utf8')
    .digest('hex');
}

describe('recordHash and the columns added to a record', () => {
  it('hashes a record without them, or with them null, as the first format did: earlier records still verify', () => {
    expect(recordHash(EARLIER)).toBe(firstFormatHash(EARLIER));
    expect(recordHash({ ...EARLIER, officer_unit: null, caller_national_id: null })).toBe(firstFormatHash(EARLIER));
  });

  it("covers the officer's unit and the citizen caller once set: changing either breaks the hash", () => {
    const withUnit = recordHash({ ...EARLIER, officer_unit: 'H56.20.03' });
    expect(withUnit).not.toBe(firstFormatHash(EARLIER));
    expect(recordHash({ ...EARLIER, officer_unit: 'H56.20.04' })).not.toBe(withUnit);
    const copy = { ...EARLIER, agency_code: null, agency_name: null, credential_id: null, user_id: null };
    const ownCopy = recordHash({ ...copy, caller_national_id: '038085001234' });
    expect(ownCopy).not.toBe(recordHash(copy));
    expect(recordHash({ ...copy, caller_national_id: '038090009999' })).not.toBe(ownCopy);
  });

  it('tells the two columns apart: the same value in the other column is another hash', () => {
    expect(recordHash({ ...EARLIER, officer_unit: 'X' })).not.toBe(recordHash({ ...EARLIER, caller_national_id: 'X' }));
  });
});

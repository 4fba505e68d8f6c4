import { EMPTY_CHAIN, chainRecords, continuationProblem, headOf } from '../../gateway/audit/chain';
import { GENESIS_HASH, recordHash } from '../../gateway/audit/hashChain';
import { unchainedRecordOf } from '../../gateway/audit/records';
import { auditInput } from './auditHelpers';

const unchained = (dossierId: string) => unchainedRecordOf(auditInput({ dossierId }), 'gw-chain-unit');

describe('chainRecords', () => {
  it('gives records consecutive seqs after the head, each holding the hash of the one before, and returns the new head', () => {
    const { records, head } = chainRecords(EMPTY_CHAIN, [unchained('A'), unchained('B')]);
    expect(records.map((record) => [record.seq, record.dossier_id])).toEqual([
      [1, 'A'],
      [2, 'B'],
    ]);
    expect(records[0]!.previous_hash).toBe(GENESIS_HASH);
    expect(records[1]!.previous_hash).toBe(records[0]!.hash);
    for (const record of records) expect(recordHash(record)).toBe(record.hash);
    expect(head).toEqual(headOf(records[1]));
    const next = chainRecords(head, [unchained('C')]);
    expect(next.records[0]).toMatchObject({ seq: 3, previous_hash: records[1]!.hash });
  });
});

describe('continuationProblem', () => {
  const { records, head } = chainRecords(EMPTY_CHAIN, [unchained('A'), unchained('B'), unchained('C')]);

  it('accepts records that continue the head, and none at all', () => {
    expect(continuationProblem(EMPTY_CHAIN, records)).toBeNull();
    expect(continuationProblem(headOf(records[0]), records.slice(1))).toBeNull();
    expect(continuationProblem(head, [])).toBeNull();
  });

  it('names a gap, a link to another record, and a record changed after it was hashed', () => {
    expect(continuationProblem(EMPTY_CHAIN, [records[0]!, records[2]!])).toBe('seq 3 stands where seq 2 was expected');
    expect(continuationProblem({ seq: 1, hash: 'f'.repeat(64) }, records.slice(1))).toBe('seq 2 does not link to the record before it');
    expect(continuationProblem(EMPTY_CHAIN, [records[0]!, { ...records[1]!, agency_code: 'H56.99' }])).toBe('seq 2 does not match its own hash');
  });
});

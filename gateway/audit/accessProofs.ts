import type { Knex } from 'knex';
import type { AuditConfig } from '../../common/config';
import { getLogger } from '../../common/logger';
import { publicKeyText } from '../../common/publicKeys';
import type { AuditRecordRow } from '../../db/gatewayRows';
import { AuditRepository } from './auditRepository';
import { AuditTree } from './auditTree';
import type { AccessProof, ProofTrust } from './proofCheck';
import { citizenLeafProof } from './recordLeaf';
import type { StoredTreeHead } from './treeRepository';
import { TreeRepository } from './treeRepository';
import { pinnedTrust } from './trustAnchor';

/** Given the audit configuration, returns the keys a proof is checked with: the pinned ones (AUDIT_TRUSTED_KEYS, AUDIT_WITNESS_KEYS, or the development pin file), never a key file beside the data. */
export function proofTrustOf(config: Pick<AuditConfig, 'trustedKeys' | 'witnesses' | 'pinFile'>): ProofTrust {
  const trust = pinnedTrust(config);
  return { gatewayKeys: trust.trustedKeys.map((key) => publicKeyText(key.publicKey)), witnessKeys: trust.witnesses.map((witness) => witness.publicKey) };
}

/** Given an instance's proving heads and a seq, returns the head to prove it against: a countersigned one when one holds it. */
function headFor(heads: { latest: StoredTreeHead | null; countersigned: StoredTreeHead | null }, seq: number): StoredTreeHead | null {
  for (const head of [heads.countersigned, heads.latest]) if (head && (head.checkpoint.treeSize ?? 0) >= seq) return head;
  return null;
}

/**
 * The inclusion proofs of the accesses a citizen sees: for each record, the citizen's own leaf among the record's
 * citizens, the record's path in its instance's tree, and the signed, countersigned tree head it ends at. A few
 * lookups per page of accesses: the heads of each instance, and the nodes of every path in one read.
 */
export class AccessProofs {
  private readonly trees: TreeRepository;
  private readonly records: AuditRepository;

  constructor(
    db: Knex,
    private readonly trustOf: () => ProofTrust,
  ) {
    this.trees = new TreeRepository(db);
    this.records = new AuditRepository(db);
  }

  /** Returns the pinned keys the proofs are checked with. */
  trust(): ProofTrust {
    return this.trustOf();
  }

  /** Given a record, returns its path in the tree head that proves it, with that head; null when no signed tree head holds it yet. */
  async forRecord(record: AuditRecordRow): Promise<Omit<AccessProof, 'fieldsRead' | 'sealed' | 'citizen'> | null> {
    const head = headFor(await this.trees.provingHeads(record.instance), record.seq);
    if (!head) return null;
    const treeSize = head.checkpoint.treeSize!;
    const paths = await new AuditTree(this.records, this.trees, record.instance).paths([record.seq], treeSize);
    return { leafIndex: record.seq - 1, treeSize, path: paths.get(record.seq)!, checkpoint: head.checkpoint, cosignatures: head.cosignatures };
  }

  /** Given an instance and two sizes of its tree, returns the consistency proof that the larger extends the smaller. */
  consistency(instance: string, fromSize: number, toSize: number): Promise<string[]> {
    return new AuditTree(this.records, this.trees, instance).consistency(fromSize, toSize);
  }

  /**
   * Given a national ID and records that name it, returns each record's proof for that citizen, in order: null for a
   * record that no signed tree head holds yet (it is sealed at the next checkpoint) or that does not name them.
   */
  async forCitizen(nationalId: string, records: readonly AuditRecordRow[]): Promise<Array<AccessProof | null>> {
    const proofs = new Map<AuditRecordRow, AccessProof | null>();
    for (const instance of new Set(records.map((record) => record.instance))) {
      const own = records.filter((record) => record.instance === instance);
      const heads = await this.trees.provingHeads(instance);
      const tree = new AuditTree(this.records, this.trees, instance);
      const bySize = new Map<StoredTreeHead, AuditRecordRow[]>();
      for (const record of own) {
        const head = headFor(heads, record.seq);
        if (head) bySize.set(head, [...(bySize.get(head) ?? []), record]);
        else proofs.set(record, null);
      }
      for (const [head, sealed] of bySize) {
        let paths: Map<number, string[]>;
        try {
          paths = await tree.paths(
            sealed.map((record) => record.seq),
            head.checkpoint.treeSize!,
          );
        } catch (error) {
          // A tree that lacks a node (it is being built again) proves nothing now; the accesses are still shown.
          getLogger('audit').error({ err: error, instance }, 'no inclusion proof can be built: run `npm run audit:verify`');
          for (const record of sealed) proofs.set(record, null);
          continue;
        }
        for (const record of sealed) {
          const leaf = citizenLeafProof(record, nationalId);
          proofs.set(
            record,
            leaf && {
              ...leaf,
              leafIndex: record.seq - 1,
              treeSize: head.checkpoint.treeSize!,
              path: paths.get(record.seq)!,
              checkpoint: head.checkpoint,
              cosignatures: head.cosignatures,
            },
          );
        }
      }
    }
    return records.map((record) => proofs.get(record) ?? null);
  }
}

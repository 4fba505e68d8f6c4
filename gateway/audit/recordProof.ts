import type { AuditRecordRow } from '../../db/gatewayRows';
import type { AccessProofs } from './accessProofs';
import type { ProofTrust } from './proofCheck';
import { treeExtends, verifyAccessProof, verifyLeafInHead } from './proofCheck';
import { citizenLeafProof, recordLeafHash, shownAccessOf } from './recordLeaf';
import type { Checkpoint } from './types';

/**
 * Given the tree head a proof ends at and the checkpoint this verifier accepted last, returns whether one tree
 * extends the other (a consistency proof, RFC 9162 §2.1.4): the trail only grew between them. Null when the
 * accepted checkpoint signed no tree.
 */
async function growthLine(instance: string, head: Checkpoint, accepted: Checkpoint, proofs: AccessProofs): Promise<string | null> {
  if (accepted.treeSize === undefined || accepted.treeRoot === undefined) return null;
  const [older, newer] = accepted.treeSize <= head.treeSize! ? [accepted, head] : [head, accepted];
  const proof = await proofs.consistency(instance, older.treeSize!, newer.treeSize!);
  const accepts = `the tree of ${accepted.treeSize} records this verifier accepted (${accepted.at})`;
  return (await treeExtends(older.treeSize!, newer.treeSize!, older.treeRoot!, newer.treeRoot!, proof))
    ? `the signed tree ${older === accepted ? 'extends' : 'is extended by'} ${accepts}: the trail only grew`
    : `NOT VERIFIED: the signed tree of ${head.treeSize} records and ${accepts} are not one growing tree: the trail was rewritten`;
}

/** The outcome of checking one record's proof: whether it verified, and what a person reads. */
export interface RecordProofCheck {
  verified: boolean;
  lines: string[];
}

/**
 * Given a record as the database holds it, the proofs and the pinned keys, checks that the tree head a checkpoint
 * signed with a pinned key (and a pinned witness countersigned) holds the record as it stands, and that the proof
 * each citizen it names receives verifies as their page checks it, and, given the checkpoint this verifier accepted
 * last, that the signed tree and the one it accepted are one growing tree. A record changed since it was sealed fails.
 */
export async function checkRecordProof(
  record: AuditRecordRow,
  proofs: AccessProofs,
  trust: ProofTrust,
  accepted: Checkpoint | null = null,
): Promise<RecordProofCheck> {
  const reference = `${record.instance}:${record.seq}`;
  const inHead = await proofs.forRecord(record);
  if (inHead === null)
    return { verified: false, lines: [`NOT VERIFIED: record ${reference} is not sealed by a signed tree head yet: it is at the next checkpoint`] };
  const outcome = await verifyLeafInHead(recordLeafHash(record), inHead, trust);
  if (!outcome.verified) return { verified: false, lines: [`NOT VERIFIED: record ${reference} (${outcome.failure}): ${outcome.message}`] };
  const lines = [
    `record ${reference}: leaf ${inHead.leafIndex} of the tree of ${outcome.treeSize} records signed at ${outcome.checkpointAt} by gateway key ` +
      `${inHead.checkpoint.keyId}, countersigned by ${outcome.witnesses} pinned witness(es); its proof holds ${inHead.path.length} hashes: verified`,
  ];
  const growth = accepted ? await growthLine(record.instance, inHead.checkpoint, accepted, proofs) : null;
  if (growth?.startsWith('NOT VERIFIED')) return { verified: false, lines: [...lines, growth] };
  if (growth) lines.push(growth);
  const citizens = JSON.parse(record.citizen_ids_json) as string[];
  let failed = 0;
  for (const nationalId of citizens) {
    // Each citizen's proof is theirs among the record's citizens, on the record's one path.
    const leaf = citizenLeafProof(record, nationalId);
    const checked = leaf ? await verifyAccessProof(shownAccessOf(record), nationalId, { ...leaf, ...inHead }, trust) : null;
    if (!checked?.verified) failed += 1;
  }
  if (failed > 0)
    return { verified: false, lines: [...lines, `NOT VERIFIED: the proof of ${failed} of the ${citizens.length} citizen(s) it names does not verify`] };
  return { verified: true, lines: [...lines, `the proof each of the ${citizens.length} citizen(s) it names receives verifies`] };
}

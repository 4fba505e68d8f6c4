import type { AuditRecordRow } from '../../db/gatewayRows';
import type { AccessProofs } from './accessProofs';
import type { ProofTrust } from './proofCheck';
import { verifyAccessProof, verifyLeafInHead } from './proofCheck';
import { recordLeafHash, shownAccessOf } from './recordLeaf';

/** The outcome of checking one record's proof: whether it verified, and what a person reads. */
export interface RecordProofCheck {
  verified: boolean;
  lines: string[];
}

/**
 * Given a record as the database holds it, the proofs and the pinned keys, checks that the tree head a checkpoint
 * signed with a pinned key (and a pinned witness countersigned) holds the record as it stands, and that the proof
 * each citizen it names receives verifies as their page checks it. A record changed since it was sealed fails.
 */
export async function checkRecordProof(record: AuditRecordRow, proofs: AccessProofs, trust: ProofTrust): Promise<RecordProofCheck> {
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
  const citizens = JSON.parse(record.citizen_ids_json) as string[];
  const citizenProofs = await Promise.all(citizens.map((nationalId) => proofs.forCitizen(nationalId, [record])));
  let failed = 0;
  for (const [position, nationalId] of citizens.entries()) {
    const proof = citizenProofs[position]![0];
    const checked = proof ? await verifyAccessProof(shownAccessOf(record), nationalId, proof, trust) : null;
    if (!checked?.verified) failed += 1;
  }
  if (failed > 0)
    return { verified: false, lines: [...lines, `NOT VERIFIED: the proof of ${failed} of the ${citizens.length} citizen(s) it names does not verify`] };
  return { verified: true, lines: [...lines, `the proof each of the ${citizens.length} citizen(s) it names receives verifies`] };
}

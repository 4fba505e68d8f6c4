import type { Effect, FieldDecision, MaskKind, Principal, Purpose, Rule } from '../policy/types';

/** How a request ended, as the audit trail records it. */
export const AUDIT_OUTCOMES = [
  /** Answered in full. */
  'ALLOWED',
  /** Answered without the fields the caller may not read (policy mode "filter"). */
  'FILTERED',
  /** Refused by the policy (or for want of a purpose or credential): nothing was returned. */
  'DENIED',
  /** Failed after the decision (a subgraph, a database); whatever data came back was returned. */
  'FAILED',
] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Outcomes of requests in which the caller asked for something the policy refused. */
export const DENIED_OUTCOMES: readonly AuditOutcome[] = ['DENIED', 'FILTERED'];

/** What the gateway states about one request once it is answered or refused: one record of the audit trail. */
export interface AuditRecordInput {
  /** When the request arrived. */
  at: Date;
  /** Who called: the agency, its credential, the officer and their unit (principal.userId and officerUnit), or a citizen reading their own data. */
  principal: Principal;
  purpose: Purpose | null;
  /** The case or dossier the request served (X-Dossier-Id). */
  dossierId: string | null;
  operationName: string | null;
  /** The operation's text as the client sent it, null when there was none; only its SHA-256 is kept. */
  query: string | null;
  /** The operation's variables; only the SHA-256 of their canonical JSON is kept. */
  variables: Readonly<Record<string, unknown>> | null | undefined;
  /** The decided fields (decision.fields); empty when the request was refused before any decision. */
  fields: readonly FieldDecision[];
  /** National IDs of the citizens whose personal data the response held (takeResponseSubjects). */
  citizenIds: readonly string[];
  /** Objects in the response data below its root (takeResponseSubjects). */
  rowCount: number;
  outcome: AuditOutcome;
  /** The code of the first error of the response, if any (FORBIDDEN, PURPOSE_REQUIRED, SUBGRAPH_UNAVAILABLE...). */
  errorCode: string | null;
  latencyMs: number;
  /** The version of the policy the request was decided under. */
  policyVersion: number | null;
}

/** A touched field and the decision on it, as a record keeps it. */
export interface AuditedField {
  coordinate: string;
  effect: Effect;
  rule: Rule;
  grantId: string | null;
  mask: MaskKind | null;
}

/** A record of the audit trail as it is read back: what was stated, and its place in its instance's chain. */
export interface AuditRecord {
  instance: string;
  seq: number;
  /** ISO timestamp in UTC. */
  at: string;
  agencyCode: string | null;
  agencyName: string | null;
  credentialId: string | null;
  userId: string | null;
  purpose: string | null;
  dossierId: string | null;
  operationName: string | null;
  operationHash: string | null;
  variablesHash: string | null;
  fields: AuditedField[];
  citizenIds: string[];
  rowCount: number;
  outcome: AuditOutcome;
  errorCode: string | null;
  latencyMs: number;
  policyVersion: number | null;
  /** The electronic code of the officer's unit (X-Officer-Unit), when the agency named it. */
  officerUnit: string | null;
  /** The citizen who read their own data (a copy downloaded on the citizens' page); null for any other caller. */
  callerNationalId: string | null;
  previousHash: string;
  hash: string;
}

/** Why a checkpoint was written: on a timer, at start (sealing what was found), or at a clean stop. */
export type CheckpointReason = 'INTERVAL' | 'START' | 'STOP';

/** The head of an instance's chain at a moment, signed with the gateway's Ed25519 key. */
export interface Checkpoint {
  instance: string;
  /** The last record sealed; 0 for an empty chain. */
  seq: number;
  /** That record's hash. */
  headHash: string;
  /**
   * The Merkle tree head of the instance's records (RFC 9162 §2.1, leaves from recordLeaf.ts): how many records,
   * from seq 1, the tree holds (at most seq), and its root, hex. Absent from checkpoints signed before the tree.
   */
  treeSize?: number;
  treeRoot?: string;
  /** ISO timestamp in UTC. */
  at: string;
  reason: CheckpointReason;
  /** The first 16 hex digits of the SHA-256 of the public key (SPKI, DER) that verifies the signature. */
  keyId: string;
  /** Ed25519 signature of the fields above, base64. */
  signature: string;
}

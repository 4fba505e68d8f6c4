/** How strictly an agency's operations are held to its registered lists. */
export const OPERATION_MODES = ['off', 'log-unknown', 'enforce'] as const;
export type OperationMode = (typeof OPERATION_MODES)[number];

/** The build files a list is read from: Apollo's persisted-query manifest, GraphQL Codegen's persisted documents. */
export const MANIFEST_FORMATS = ['APOLLO_MANIFEST', 'CODEGEN_DOCUMENTS'] as const;
export type ManifestFormat = (typeof MANIFEST_FORMATS)[number];

export const OPERATION_TYPES = ['query', 'mutation', 'subscription'] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

/** One operation of a list: its id is the SHA-256 of its body's UTF-8 bytes, lower-case hex. */
export interface RegisteredOperation {
  id: string;
  /** The operation's name; null for an anonymous one. */
  name: string | null;
  type: OperationType;
  body: string;
}

/** A registered operation as the gateway finds it by id: with the application whose list holds it. */
export interface ApprovedOperation extends RegisteredOperation {
  application: string;
}

/** An agency's part of the approved operations: its mode and the operations of its applications' current lists. */
export interface AgencyOperations {
  mode: OperationMode;
  byId: ReadonlyMap<string, ApprovedOperation>;
}

/** Every agency's approved operations, as the policy snapshot carries them; an agency missing here is off. */
export type ApprovedOperations = ReadonlyMap<string, AgencyOperations>;

/** One version of an application's list, without its operations. */
export interface OperationListVersion {
  agencyCode: string;
  application: string;
  version: number;
  format: ManifestFormat;
  operationCount: number;
  /** The policy change that registered it: who, in which role, why. */
  changeId: number;
  createdAt: string;
  /** True for the latest version of the application's list: the one in force. */
  current: boolean;
}

/** An operation an agency in log-unknown mode ran without its being registered: what the unknown-operation counter counts. */
export interface UnknownOperationEvent {
  agencyCode: string;
  /** The SHA-256 of the operation's text, as a registration would name it. */
  operationId: string;
  operationName: string | null;
}

/** Request headers of one caller: Authorization, X-Purpose and the like. */
export type HeaderSet = Record<string, string>;

/** A started gateway target: its GraphQL URL, and for a target with policy the agencies' header sets Q6 rotates through. */
export interface StartedTarget {
  url: string;
  headerSets?: HeaderSet[];
}

/** Why a target could not be measured (not wired, not installed); the report prints it in place of numbers. */
export class TargetNotAvailable extends Error {}

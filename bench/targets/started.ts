/** Request headers of one caller: Authorization, X-Purpose and the like. */
export type HeaderSet = Record<string, string>;

/** A started gateway target: its GraphQL URL. */
export interface StartedTarget {
  url: string;
}

/** Why a target could not be measured (not wired, not installed); the report prints it in place of numbers. */
export class TargetNotAvailable extends Error {}

import { diff, validate } from '@graphql-inspector/core';
import { Source, parse } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import type { SectorConfig, SectorName } from '../common/sectors';
import { apiSchemaOf, buildCatalog } from '../gateway/policy/catalog';
import type { SchemaCatalog } from '../gateway/policy/types';
import { composeSupergraph } from './compose';
import type { OperationDocument } from './operationDocuments';

/** How much a change can hurt a client: graphql-inspector's criticality levels, named for a report. */
export type ChangeLevel = 'BREAKING' | 'DANGEROUS' | 'SAFE';

/** One difference between the supergraph served now and the one the changed SDL would make. */
export interface SchemaChange {
  level: ChangeLevel;
  /** graphql-inspector's change type (FIELD_REMOVED...), or CLASSIFICATION_CHANGED / OWNER_CHANGED of the policy. */
  type: string;
  message: string;
  /** The schema coordinate changed, when there is one. */
  path: string | null;
}

/** What becomes of one operation a client relies on: broken by the change, using something deprecated, or invalid already. */
export interface OperationFinding {
  operation: string;
  status: 'BROKEN' | 'DEPRECATED' | 'INVALID_ALREADY';
  messages: string[];
}

export interface SchemaCheckReport {
  sector: SectorName;
  /** Why the changed SDL makes no supergraph the gateway can serve; when non-empty, nothing else was compared. */
  compositionErrors: string[];
  changes: SchemaChange[];
  /** The operations checked that are affected; those that still validate cleanly are only counted. */
  operations: OperationFinding[];
  operationsChecked: number;
  /** True when the change would break a client: it does not compose, a breaking change, or a broken operation. */
  breaking: boolean;
}

export interface SchemaCheckOptions {
  /** The sectors as configured, whose supergraph is the one served now. */
  sectors: readonly SectorConfig[];
  /** The supergraph served now (supergraphFor(sectors)). */
  currentSupergraph: string;
  /** The sector whose SDL changes, and its new SDL text. */
  sector: SectorName;
  sdl: string;
  /** The operations clients rely on (the registered, persisted ones), or a function that fetches them. */
  operations?: readonly OperationDocument[] | (() => Promise<readonly OperationDocument[]> | readonly OperationDocument[]);
}

const LEVELS: Record<string, ChangeLevel> = { BREAKING: 'BREAKING', DANGEROUS: 'DANGEROUS', NON_BREAKING: 'SAFE' };

/** Given the catalogs before and after, returns the fields whose classification or owner sector changes: a grant then covers them differently. */
function policyChanges(before: SchemaCatalog, after: SchemaCatalog): SchemaChange[] {
  const changes: SchemaChange[] = [];
  for (const [coordinate, was] of before.fields) {
    const now = after.fields.get(coordinate);
    if (!now) continue;
    const wasClass = `${was.classification.sharing}/${was.classification.personal}`;
    const nowClass = `${now.classification.sharing}/${now.classification.personal}`;
    if (wasClass !== nowClass) {
      changes.push({
        level: 'DANGEROUS',
        type: 'CLASSIFICATION_CHANGED',
        message: `${coordinate} is classified ${nowClass} instead of ${wasClass}: grants by classification cover it differently`,
        path: coordinate,
      });
    }
    if (was.owner !== now.owner) {
      changes.push({
        level: 'DANGEROUS',
        type: 'OWNER_CHANGED',
        message: `${coordinate} is resolved by ${now.owner} instead of ${was.owner}: its owner reads it in full, grants by sector change`,
        path: coordinate,
      });
    }
  }
  return changes;
}

/** Given the operations and the API schemas before and after, returns what becomes of each affected operation. */
function operationFindings(operations: readonly OperationDocument[], before: GraphQLSchema, after: GraphQLSchema): OperationFinding[] {
  const sources = operations.map((operation) => new Source(operation.body, operation.name));
  const options = { strictFragments: false };
  const invalidBefore = new Set(validate(before, sources, options).flatMap((invalid) => (invalid.errors.length > 0 ? [invalid.source.name] : [])));
  return validate(after, sources, options).flatMap((invalid): OperationFinding[] => {
    const name = invalid.source.name;
    if (invalid.errors.length > 0) {
      return [{ operation: name, status: invalidBefore.has(name) ? 'INVALID_ALREADY' : 'BROKEN', messages: invalid.errors.map((error) => error.message) }];
    }
    return invalid.deprecated.length > 0 ? [{ operation: name, status: 'DEPRECATED', messages: invalid.deprecated.map((error) => error.message) }] : [];
  });
}

/**
 * Given the sectors, the supergraph served now, a sector and its changed SDL, and the operations clients rely on,
 * composes the supergraph the change would make and returns what it changes: every difference of the API schema
 * (graphql-inspector's diff: breaking, dangerous, safe), every field whose classification or owner changes, and
 * every operation the change breaks. A changed SDL that does not compose, or leaves a field unclassified, is
 * reported as such, and breaking.
 */
export async function checkSubgraphChange(options: SchemaCheckOptions): Promise<SchemaCheckReport> {
  const empty = { sector: options.sector, changes: [], operations: [], operationsChecked: 0 };
  if (!options.sectors.some((sector) => sector.name === options.sector)) {
    const names = options.sectors.map((sector) => sector.name).join(', ');
    return {
      ...empty,
      compositionErrors: [`no sector is named "${options.sector}": expected one of ${names} (a new one is added in SECTORS_FILE)`],
      breaking: true,
    };
  }
  let proposed: string;
  let proposedCatalog: SchemaCatalog;
  try {
    proposed = composeSupergraph(options.sectors, new Map([[options.sector, parse(options.sdl)]]));
    proposedCatalog = buildCatalog(proposed);
  } catch (error) {
    return {
      ...empty,
      compositionErrors: (error as Error).message
        .split('\n')
        .map((line) => line.replace(/^\s+-\s+/, '').trim())
        .filter(Boolean),
      breaking: true,
    };
  }
  const before = apiSchemaOf(options.currentSupergraph);
  const after = apiSchemaOf(proposed);
  const changes: SchemaChange[] = [
    ...(await diff(before, after)).map((change) => ({
      level: LEVELS[change.criticality.level] ?? 'DANGEROUS',
      type: String(change.type),
      message: change.message,
      path: change.path ?? null,
    })),
    ...policyChanges(buildCatalog(options.currentSupergraph), proposedCatalog),
  ];
  const operations = typeof options.operations === 'function' ? await options.operations() : (options.operations ?? []);
  const findings = operationFindings(operations, before, after);
  return {
    sector: options.sector,
    compositionErrors: [],
    changes,
    operations: findings,
    operationsChecked: operations.length,
    breaking: changes.some((change) => change.level === 'BREAKING') || findings.some((finding) => finding.status === 'BROKEN'),
  };
}

/** Given a report, returns it as lines for a terminal: the composition's errors, or the changes by level and the operations affected. */
export function formatSchemaCheck(report: SchemaCheckReport): string[] {
  if (report.compositionErrors.length > 0) {
    return [
      `Schema check of ${report.sector}: the changed SDL makes no supergraph the gateway can serve`,
      ...report.compositionErrors.map((error) => `  - ${error}`),
      'Result: BREAKING',
    ];
  }
  const lines = [`Schema check of ${report.sector} against the current supergraph:`];
  for (const level of ['BREAKING', 'DANGEROUS', 'SAFE'] as const) {
    const changes = report.changes.filter((change) => change.level === level);
    lines.push(`${level} (${changes.length})`, ...changes.map((change) => `  - ${change.message}${change.path ? `  [${change.path}]` : ''}`));
  }
  lines.push(`Operations (${report.operationsChecked} checked):`);
  for (const finding of report.operations) lines.push(`  ${finding.status} ${finding.operation}: ${finding.messages.join(' ')}`);
  const broken = report.operations.filter((finding) => finding.status === 'BROKEN').length;
  lines.push(`  ${report.operationsChecked - report.operations.length} still valid`);
  const breakingChanges = report.changes.filter((change) => change.level === 'BREAKING').length;
  lines.push(report.breaking ? `Result: BREAKING (${breakingChanges} breaking change(s), ${broken} operation(s) broken)` : 'Result: no breaking change');
  return lines;
}

import { parse } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { BUILT_IN_SECTORS } from '../common/sectors';
import { Random } from '../db/seed/random';
import { applyScopeWalk } from '../gateway/enforcement/outOfScope';
import { compileScopeWalk } from '../gateway/enforcement/scopeWalk';
import type { ScopeWalk } from '../gateway/enforcement/scopeWalk';
import { SCOPE_PROBE, withScopeProbe } from '../gateway/enforcement/scopeProbe';
import { collectFields } from '../gateway/policy/collectFields';
import { decide } from '../gateway/policy/decide';
import type { Agency, Grant, PolicySnapshot, SchemaCatalog } from '../gateway/policy/types';
import { rotationAgencies } from './agencies';
import { syntheticResult } from './syntheticResult';
import { PLACEHOLDER_FIXTURES, medianMicros } from './limitsCost';
import type { ScopeCost } from './results';
import type { ShapeName } from './shapes';
import { SHAPES } from './shapes';

/** The shapes whose per-field row scope is measured: those the scope's target is stated for. */
export const SCOPE_COST_SHAPES: readonly ShapeName[] = ['Q1', 'Q2', 'Q3', 'Q4'];

/** Communes of overlapping scopes, so that each sector's intersection has work to do. */
const SCOPES: readonly string[][] = [
  ['40778', '40779', '40780', '40781'],
  ['40779', '40780', '40781', '40782'],
  ['40780', '40781', '40782', '40778'],
];

/** Given the catalogue and a row scope per grant (or none), returns the policy of the bench's first rotation agency. */
function snapshotOf(supergraphSdl: string, scoped: boolean): { snapshot: PolicySnapshot; agency: Agency } {
  const [{ definition, purpose }] = rotationAgencies(supergraphSdl);
  const agency: Agency = { code: definition.agency.code, name: definition.agency.name, sector: null, unitCodes: [], steward: false };
  const grants: Grant[] = definition.grants.map((grant, index) => ({
    id: `bench-${index}`,
    agencyCode: agency.code,
    target: grant.target,
    purposes: [purpose],
    legalBasis: grant.legalBasis ?? '',
    legalInstruments: [...(grant.legalInstruments ?? [])],
    scopeUnitCodes: scoped ? [...SCOPES[index % SCOPES.length]!] : null,
    masks: [],
    validFrom: '2020-01-01T00:00:00.000Z',
    validTo: null,
    revokedAt: null,
  }));
  return { agency, snapshot: { version: 1, agencies: new Map([[agency.code, agency]]), grantsByAgency: new Map([[agency.code, grants]]) } };
}

/**
 * Given a compiled walk, a result and a number of samples, returns the median walk over a fresh copy of the
 * result in microseconds, the copy made outside the timing: a walk of a few microseconds is not read as the
 * difference of two copies of a millisecond.
 */
function medianWalkMicros(walk: ScopeWalk, data: Record<string, unknown>, samples: number): number {
  for (let sample = 0; sample < samples; sample += 1) applyScopeWalk(walk, { data: structuredClone(data) });
  const times: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    const result = { data: structuredClone(data) };
    const started = process.hrtime.bigint();
    applyScopeWalk(walk, result);
    times.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/**
 * Given the API schema, the catalogue and the supergraph, returns for each of Q1–Q4 what the per-field row scope
 * costs in this process, in microseconds, median of `samples`, for an agency all of whose grants are scoped:
 * what it adds to a decision (the same decision with unscoped grants subtracted; decisions are cached, so this is
 * paid at most once per second per caller and document), the scope probes' rewrite of the document (cached per
 * document), the compilation of the walk that nulls what population did not vouch for (cached with the rewrite),
 * and that walk over a result of the size the shape asks for (paid on every response).
 */
export function measureScopeCost(schema: GraphQLSchema, catalog: SchemaCatalog, supergraphSdl: string, samples = 500): ScopeCost[] {
  const scoped = snapshotOf(supergraphSdl, true);
  const unscoped = snapshotOf(supergraphSdl, false);
  const now = new Date();
  return SCOPE_COST_SHAPES.map((shape) => {
    const { query, variables } = SHAPES[shape].body(PLACEHOLDER_FIXTURES, { sequence: 0, random: new Random(38) });
    const document = parse(query);
    const fields = collectFields(schema, document);
    const decision = (snapshot: PolicySnapshot, agency: Agency) => () =>
      decide({ principal: { kind: 'AGENCY', agency, credentialId: 'bench', userId: null }, purpose: 'PUBLIC_SERVICE', fields, snapshot, catalog, now });
    const decisionMicros = Math.max(
      0,
      medianMicros(decision(scoped.snapshot, scoped.agency), samples) - medianMicros(decision(unscoped.snapshot, unscoped.agency), samples),
    );
    const restricted = new Set<string>(BUILT_IN_SECTORS);
    const probeRewriteMicros = medianMicros(() => withScopeProbe(schema, document, restricted), samples);
    const probed = withScopeProbe(schema, document, restricted);
    const data = syntheticResult(schema, probed, variables ?? {}, { [SCOPE_PROBE]: true });
    const walkCompileMicros = medianMicros(() => compileScopeWalk(schema, probed, null), samples);
    const responseWalkMicros = medianWalkMicros(compileScopeWalk(schema, probed, null)!, data, samples);
    return { shape, decisionMicros, probeRewriteMicros, walkCompileMicros, responseWalkMicros };
  });
}

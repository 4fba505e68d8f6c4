import { createHash } from 'node:crypto';
import { parse, print } from 'graphql';
import { CITIZEN_ID_PROBE } from '../../gateway/audit/citizenProbe';
import { SCOPE_PROBE } from '../../gateway/enforcement/scopeProbe';
import { policyRewriteOf, sentDocument, underItsHash } from '../../gateway/enforcement/sentDocument';
import { NO_CONDITIONS } from '../../gateway/policy/conditions';
import type { Decision, FieldDecision } from '../../gateway/policy/types';
import { SCHEMA, decisions } from './helpers';

const QUERY = '{ citizen(id: "1") { fullName dateOfBirth } }';

/** Given decided fields and each sector's rows, returns the decision the policy plugin would take. */
function decisionOf(fields: Map<string, FieldDecision>, scope: Record<string, string[] | null> = {}): Decision {
  const list = [...fields.values()];
  return { allowed: list.every((field) => field.effect !== 'DENY'), purposeRequired: true, policyVersion: 1, purpose: null, fields: list, scope };
}

const allowed = decisions([
  ['Query.citizen', 'ALLOW'],
  ['Citizen.fullName', 'ALLOW'],
  ['Citizen.dateOfBirth', 'MASK', 'YEAR_ONLY'],
]);
const denied = decisions([
  ['Query.citizen', 'ALLOW'],
  ['Citizen.fullName', 'ALLOW'],
  ['Citizen.dateOfBirth', 'DENY'],
]);
const received = () => ({ document: parse(QUERY), hash: createHash('sha256').update(QUERY).digest('hex') });

describe('policyRewriteOf', () => {
  it('leaves an allowed document without row scope as it came: masks apply to the answer, not the document', () => {
    expect(policyRewriteOf(SCHEMA, parse(QUERY), decisionOf(allowed), allowed, NO_CONDITIONS)).toBeNull();
  });

  it('removes the denied fields, and tells the rewrite by the filtered text', () => {
    const rewrite = policyRewriteOf(SCHEMA, parse(QUERY), decisionOf(denied), denied, NO_CONDITIONS)!;
    expect(print(rewrite.filtered!)).toBe(print(parse('{ citizen(id: "1") { fullName } }')));
    expect(rewrite.restricted).toBeNull();
    expect(rewrite.key).toBe(`:${print(rewrite.filtered!)}`);
  });

  it("probes a restricted owner's entities, and tells the rewrite by the restricted sectors", () => {
    const rewrite = policyRewriteOf(SCHEMA, parse(QUERY), decisionOf(allowed, { population: ['40778'], land: null }), allowed, NO_CONDITIONS)!;
    expect(rewrite.filtered).toBeNull();
    expect([...rewrite.restricted!]).toEqual(['population']);
    expect(rewrite.key).toBe('population:');
  });
});

describe('sentDocument', () => {
  it('sends the policy-left document with the audit probe, under the hash of its printed text', () => {
    const sent = sentDocument(SCHEMA, received(), decisionOf(allowed), NO_CONDITIONS, { mode: 'deny', audited: true })!;
    expect(print(sent.document)).toContain(CITIZEN_ID_PROBE);
    expect(sent.hash).toBe(createHash('sha256').update(print(sent.document)).digest('hex'));
  });

  it("keeps Apollo Server's hash when no plugin rewrites, and refuses in deny mode what the policy denies", () => {
    const document = received();
    expect(sentDocument(SCHEMA, document, decisionOf(allowed), NO_CONDITIONS, { mode: 'deny', audited: false })).toBe(document);
    expect(sentDocument(SCHEMA, document, decisionOf(denied), NO_CONDITIONS, { mode: 'deny', audited: true })).toBeNull();
  });

  it('gives every rewrite a hash of its own: filtered, probed for rows, or neither', () => {
    const hashes = [
      sentDocument(SCHEMA, received(), decisionOf(allowed), NO_CONDITIONS, { mode: 'filter', audited: true })!,
      sentDocument(SCHEMA, received(), decisionOf(denied), NO_CONDITIONS, { mode: 'filter', audited: true })!,
      sentDocument(SCHEMA, received(), decisionOf(allowed, { population: ['40778'] }), NO_CONDITIONS, { mode: 'filter', audited: true })!,
    ].map((sent) => sent.hash);
    expect(new Set(hashes).size).toBe(3);
    expect(
      print(sentDocument(SCHEMA, received(), decisionOf(allowed, { population: ['40778'] }), NO_CONDITIONS, { mode: 'filter', audited: false })!.document),
    ).toContain(SCOPE_PROBE);
  });

  it('hashes a document by its printed text, whatever the spacing it was written with', () => {
    expect(underItsHash(parse(QUERY)).hash).toBe(underItsHash(parse(QUERY.replace(/ /g, '   '))).hash);
  });
});

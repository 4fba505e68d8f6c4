import type { Decision, FieldCoordinate, FieldDecision, Grant, SchemaCatalog } from '../policy/types';

function validity(grant: Grant): string {
  return grant.validTo === null ? 'valid until revoked' : `valid until ${grant.validTo.slice(0, 10)}`;
}

function rows(grant: Grant): string {
  return grant.scopeUnitCodes === null ? 'rows of the whole province' : `rows of communes ${grant.scopeUnitCodes.join(', ')} only`;
}

/** Given the decisions on one field for several purposes, returns what opens it to the caller, one sentence per way. */
function accessSentence(field: FieldDecision, purposes: string[], grants: ReadonlyMap<string, Grant>): string {
  switch (field.rule) {
    case 'OPEN_DATA':
      return 'open data: anyone reads it.';
    case 'OWN_SECTOR':
      return "your own sector's data: read in full.";
    case 'SELF_SERVICE':
      return 'about your own access: any agency reads its own.';
    default: {
      const grant = field.grantId === null ? undefined : grants.get(field.grantId);
      const how = field.mask === null ? 'in full' : `masked as ${field.mask}`;
      const through = grant ? `; ${rows(grant)}; grant ${grant.id} (legal basis: ${grant.legalBasis}; ${validity(grant)})` : '';
      return `for ${purposes.join(', ')}: ${how}${through}.`;
    }
  }
}

/**
 * Given the decisions taken for one caller (one per purpose it may state), the catalog and the caller's grants,
 * returns for every field it may read a note for its description: the field's classification, then how it is
 * open to this caller (open data, own sector, or per grant: the purposes, the mask, the row scope, the grant's
 * legal basis and its expiry). A field denied for every purpose gets no note: introspection hides it anyway.
 */
export function callerFieldNotes(decisions: readonly Decision[], catalog: SchemaCatalog, grants: readonly Grant[]): Map<FieldCoordinate, string> {
  const grantsById = new Map(grants.map((grant) => [grant.id, grant]));
  const ways = new Map<FieldCoordinate, Map<string, { field: FieldDecision; purposes: string[] }>>();
  for (const decision of decisions) {
    for (const field of decision.fields) {
      if (field.effect === 'DENY') continue;
      const byWay = ways.get(field.coordinate) ?? new Map<string, { field: FieldDecision; purposes: string[] }>();
      ways.set(field.coordinate, byWay);
      const key = `${field.rule}|${field.grantId ?? ''}|${field.mask ?? ''}`;
      const way = byWay.get(key) ?? { field, purposes: [] };
      byWay.set(key, way);
      way.purposes.push(decision.purpose ?? 'no stated purpose');
    }
  }
  const notes = new Map<FieldCoordinate, string>();
  for (const [coordinate, byWay] of ways) {
    const facts = catalog.fields.get(coordinate);
    const classification = facts ? `**Classification:** ${facts.classification.sharing}, personal data ${facts.classification.personal}.` : '';
    const sentences = [...byWay.values()].map((way) => accessSentence(way.field, way.purposes, grantsById));
    notes.set(coordinate, [classification, `**For you:** ${sentences.join(' ')}`].filter(Boolean).join(' '));
  }
  return notes;
}

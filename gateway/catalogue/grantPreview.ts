import type { GraphQLSchema } from 'graphql';
import { maskValue } from '../../common/masks';
import type { FieldLabel } from '../policy/labels';
import { isSector } from '../policy/types';
import type { Agency, Classification, FieldCoordinate, Grant, MaskKind, SchemaCatalog } from '../policy/types';
import { targetCovers } from '../store/grantInput';
import { exampleValueOf } from './exampleValues';

/** One field a grant would open: how it is classified and named, and what the agency would read of an example. */
export interface PreviewField {
  coordinate: FieldCoordinate;
  /** The sector that produces it. */
  owner: string;
  classification: Classification;
  /** Its @label, Vietnamese and English; null for a field that declares none (not personal data). */
  label: FieldLabel | null;
  /** The mask the grant puts on it, null when read in full. */
  mask: MaskKind | null;
  /** A made-up value of the field's type (null for an object or a list), as text. */
  example: string | null;
  /** That value as the agency would read it: masked by the platform's masking function, or the value itself. */
  shownAs: string | null;
  /** True when the field is of the agency's own sector: it reads it in full already, whatever the grant says. */
  ownSector: boolean;
}

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/**
 * Given a grant's checked terms, the agency, the schema, its catalog and the labels, returns every field the grant
 * would open for its purposes, sorted: those its target covers (a field; a type's fields; a classification's, within
 * its sector and types), INTERNAL data never and SENSITIVE data only for a FIELD grant (targetCovers), open data and
 * the gateway's self-service fields left out, since they need no grant. Masked fields show an example masked with
 * maskValue, the one masking the gateway and the subgraphs apply.
 */
export function grantPreviewFields(
  grant: Pick<Grant, 'target' | 'masks'>,
  agency: Pick<Agency, 'sector'>,
  schema: GraphQLSchema,
  catalog: SchemaCatalog,
  labels: ReadonlyMap<FieldCoordinate, FieldLabel>,
): PreviewField[] {
  return [...catalog.fields.values()]
    .filter((facts) => facts.classification.sharing !== 'OPEN' && isSector(facts.owner) && targetCovers(grant.target, facts))
    .sort((left, right) => left.coordinate.localeCompare(right.coordinate))
    .map((facts) => {
      const mask = grant.masks.find((candidate) => candidate.coordinate === facts.coordinate)?.mask ?? null;
      const example = exampleValueOf(schema, facts.coordinate);
      return {
        coordinate: facts.coordinate,
        owner: facts.owner,
        classification: facts.classification,
        label: labels.get(facts.coordinate) ?? null,
        mask,
        example: text(example),
        shownAs: text(mask === null ? example : maskValue(example, mask)),
        ownSector: agency.sector === facts.owner,
      };
    });
}

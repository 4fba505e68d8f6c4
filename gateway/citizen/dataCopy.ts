import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../common/errors';
import type { FieldLabel } from '../policy/labels';
import type { GatewayExecutor, InternalOperation } from '../server';

/**
 * Everything the four sectors hold about one citizen, read as the citizen: population (identity, residence,
 * household membership), land (parcels, their certificates, the citizen's own share), health (insurance card,
 * vaccinations, encounters) and education (enrolments, diplomas). Fixed: a citizen never sends an operation.
 */
export const DATA_COPY_OPERATION = `query CitizenDataCopy($nationalId: ID!) {
  citizen(nationalId: $nationalId) {
    nationalId fullName dateOfBirth sex ethnicity nationality status dateOfDeath
    permanentResidence { addressLine unit { code name } }
    currentResidence { addressLine unit { code name } }
    householdMembership { relationshipToHead household { code address unit { code name } } }
    landParcels {
      id communeCode mapSheetNumber parcelNumber areaSquareMeters landUsePurpose landUsePurposeName landUseUntil address
      certificates { serial issueDate issuingAuthority }
      owners { sharePercent }
    }
    healthInsurance { socialInsuranceNumber benefitLevel validFrom validTo primaryCareFacility { code name } }
    vaccinations { vaccine dose date facility { code name } }
    encounters { date diagnosisCode diagnosisChapter facility { code name } }
    enrollments { schoolYear grade school { code name } }
    diplomas { serial type issueDate school { code name } }
  }
}`;

/** The sectors of the copy and the fields of the citizen each holds, in the page's order. */
export const DATA_COPY_SECTIONS: ReadonlyArray<{ sector: string; fields: readonly string[] }> = [
  {
    sector: 'population',
    fields: [
      'nationalId',
      'fullName',
      'dateOfBirth',
      'sex',
      'ethnicity',
      'nationality',
      'status',
      'dateOfDeath',
      'permanentResidence',
      'currentResidence',
      'householdMembership',
    ],
  },
  { sector: 'land', fields: ['landParcels'] },
  { sector: 'health', fields: ['healthInsurance', 'vaccinations', 'encounters'] },
  { sector: 'education', fields: ['enrollments', 'diplomas'] },
];

/** One item of the copy: the citizen's field, its label (@label) and what the platform holds. */
export interface DataCopyItem {
  field: string;
  label: FieldLabel;
  value: unknown;
}

/** The copy as the page shows it and the JSON download holds it. */
export interface DataCopy {
  nationalId: string;
  /** ISO 8601, when the copy was read. */
  takenAt: string;
  /** False when the population register holds no record of the citizen. */
  found: boolean;
  sections: Array<{ sector: string; items: DataCopyItem[] }>;
  /** Sectors that could not be read now (a subgraph down): their items are null, the copy says so. */
  unavailable: string[];
}

/** Given a citizen's national ID, returns the operation that reads their copy. */
export function dataCopyOperation(nationalId: string): InternalOperation {
  return { query: DATA_COPY_OPERATION, operationName: 'CitizenDataCopy', variables: { nationalId } };
}

/** Given an error of the answer, returns the sector its path or service names, if any. */
function sectorOf(error: { extensions?: Record<string, unknown>; path?: ReadonlyArray<string | number> }): string | null {
  const service = error.extensions?.serviceName;
  if (typeof service === 'string') return service;
  const field = error.path?.[1];
  return DATA_COPY_SECTIONS.find((section) => typeof field === 'string' && section.fields.includes(field))?.sector ?? null;
}

/**
 * Given the gateway's executor, the signed-in citizen's national ID (from their session), the labels and the
 * clock, reads the citizen's copy through the gateway as the citizen, and returns it labelled by sector. The
 * gateway checks the answer too: a record of anyone else fails the copy rather than reach the page.
 */
export async function readDataCopy(execute: GatewayExecutor, nationalId: string, labels: ReadonlyMap<string, FieldLabel>, now = new Date()): Promise<DataCopy> {
  const answer = await execute(dataCopyOperation(nationalId), { kind: 'CITIZEN', nationalId });
  const errors = answer.errors ?? [];
  const citizen = (answer.data?.citizen ?? null) as Record<string, unknown> | null;
  const refused = errors.find((error) => !answer.data || error.extensions?.code === ErrorCode.FORBIDDEN);
  if (refused) {
    // The audit trail could not record the read: nothing is shown, as to any caller (fail closed).
    if (refused.extensions?.code === ErrorCode.AUDIT_UNAVAILABLE)
      throw new GraphQLError('The audit trail cannot record this copy now, so it is withheld; try again later', {
        extensions: { code: ErrorCode.AUDIT_UNAVAILABLE },
      });
    throw new Error(`the copy was refused: ${String(refused.extensions?.code ?? refused.message)}`);
  }
  if (citizen !== null && citizen.nationalId !== nationalId) throw new Error("the copy named another citizen's record and was withheld");
  const unavailable = [...new Set(errors.map(sectorOf).filter((sector): sector is string => sector !== null))].sort();
  return {
    nationalId,
    takenAt: now.toISOString(),
    found: citizen !== null,
    sections: DATA_COPY_SECTIONS.map(({ sector, fields }) => ({
      sector,
      items: fields.map((field) => ({
        field,
        label: labels.get(`Citizen.${field}`) ?? { vi: field, en: field },
        value: citizen?.[field] ?? null,
      })),
    })),
    unavailable,
  };
}

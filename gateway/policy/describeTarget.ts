import type { GrantTarget } from './types';

/**
 * Given a grant's target, returns how a steward reads it: "FIELD Citizen.fullName", "TYPE LandParcel",
 * "CLASSIFICATION SHARED/BASIC", "CLASSIFICATION SHARED/BASIC in sector population on types Citizen, Residence".
 * Equal targets read alike, and different ones differently.
 */
export function describeTarget(target: GrantTarget): string {
  switch (target.kind) {
    case 'FIELD':
      return `FIELD ${target.coordinate}`;
    case 'TYPE':
      return `TYPE ${target.typeName}`;
    case 'CLASSIFICATION': {
      const sector = target.sector ? ` in sector ${target.sector}` : '';
      const types = target.typeNames ? ` on types ${target.typeNames.join(', ')}` : '';
      return `CLASSIFICATION ${target.sharing}/${target.personal}${sector}${types}`;
    }
  }
}

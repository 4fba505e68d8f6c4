import type { Actor } from '../store/types';
import type { SharingDesk } from './sharingDesk';

const DEMO_ACTOR: Actor = { kind: 'SYSTEM', task: 'demo-seed' };

/**
 * What the demo agencies' own forms collect from citizens (the land registration form, the hospital's admission
 * form, the ward's one-stop desk), for the duplicate-collection report: some of it they are granted, some not.
 */
export const DEMO_COLLECTED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'H56.20': ['Citizen.fullName', 'Citizen.dateOfBirth', 'Citizen.ethnicity', 'HealthInsuranceCard.socialInsuranceNumber'],
  'H56.15.01': ['Citizen.fullName', 'Citizen.dateOfBirth', 'Citizen.sex', 'Citizen.ethnicity'],
  'H56.99.40778': ['Citizen.fullName', 'HealthInsuranceCard.validTo', 'LandParcel.areaSquareMeters'],
};

/** Given the sharing desk, declares the demo agencies' collected fields where they differ from what is stored (never in production: the caller checks). */
export async function seedDemoCollectedFields(desk: SharingDesk): Promise<void> {
  for (const [agencyCode, fields] of Object.entries(DEMO_COLLECTED_FIELDS)) {
    const current = await desk.collectedFields(agencyCode);
    if (JSON.stringify(current) !== JSON.stringify([...fields].sort())) await desk.declareCollectedFields(DEMO_ACTOR, agencyCode, fields);
  }
}

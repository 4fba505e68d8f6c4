import { listOf } from './Common';

/** A grant as the admin API takes it (CreateGrantInput). */
export interface GrantFormInput {
  agencyCode: string;
  target: Record<string, string | string[]>;
  purposes: string[];
  legalInstruments: string[];
  legalBasis: string | null;
  scopeUnitCodes: string[] | null;
  masks: Array<{ coordinate: string; mask: string }>;
  validTo: string | null;
}

/** Given the form's target text (Type.field, Type, or SHARING/PERSONAL), returns the admin API's target input. */
export function targetInput(text: string): Record<string, string> {
  if (text.includes('/')) {
    const [sharing, personal] = text.split('/');
    return { kind: 'CLASSIFICATION', sharing: sharing ?? '', personal: personal ?? 'NONE' };
  }
  return text.includes('.') ? { kind: 'FIELD', coordinate: text } : { kind: 'TYPE', typeName: text };
}

/** Given the form's masks text ("Citizen.nationalId=PARTIAL_ID, Citizen.dateOfBirth=YEAR_ONLY"), returns the masks. */
export function masksInput(text: FormDataEntryValue | null): Array<{ coordinate: string; mask: string }> {
  return listOf(text).map((entry) => {
    const [coordinate = '', mask = ''] = entry.split('=').map((part) => part.trim());
    return { coordinate, mask };
  });
}

/** Given the grant form, returns the grant it describes, as the admin API takes it. */
export function grantInputOf(form: FormData): GrantFormInput {
  const scope = listOf(form.get('scope'));
  const sector = String(form.get('sector') ?? '').trim();
  const types = listOf(form.get('types'));
  const target: Record<string, string | string[]> = targetInput(String(form.get('target') ?? '').trim());
  // A classification may be limited to one sector's fields and to some types.
  if (target.kind === 'CLASSIFICATION' && sector) target.sector = sector;
  if (target.kind === 'CLASSIFICATION' && types.length > 0) target.typeNames = types;
  return {
    agencyCode: String(form.get('agency') ?? ''),
    target,
    purposes: form.getAll('purposes').map(String),
    legalInstruments: form.getAll('legalInstruments').map(String),
    legalBasis: String(form.get('citation') ?? '').trim() || null,
    scopeUnitCodes: scope.length > 0 ? scope : null,
    masks: masksInput(form.get('masks')),
    validTo: String(form.get('validTo') || '') || null,
  };
}

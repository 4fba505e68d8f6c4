import { admin } from './api';
import { ChangeForm, Table, listOf, useQuery } from './Common';
import { useConsole } from './consoleContext';

/** An entry of the legal register, as the page shows it. */
export interface LegalInstrument {
  number: string;
  title: string;
  type: string;
  issuer: string;
  effectiveFrom: string;
  shortTitle: string | null;
  replacedBy: string[];
  replacedFrom: string | null;
  replaced: boolean;
  amendedBy: string[];
}

export const INSTRUMENTS = '{ legalInstruments { number title type issuer effectiveFrom shortTitle replacedBy replacedFrom replaced amendedBy } }';
const TYPES = ['LAW', 'CODE', 'RESOLUTION', 'DECREE', 'DECISION', 'CIRCULAR', 'OTHER'];
const INSTRUMENT_FIELDS = 'number title type issuer effectiveFrom shortTitle replacedBy replacedFrom replaced amendedBy';

/** Given the form's value, returns it, or null when left empty: the field keeps its value. */
const optional = (value: FormDataEntryValue | null) => (String(value ?? '').trim() === '' ? null : String(value).trim());

/** The legal register: every entry, and for policy stewards the forms that add, edit, and mark one replaced or amended. */
export function RegisterPage() {
  const { session, t } = useConsole();
  const { data, error, reload } = useQuery<{ legalInstruments: LegalInstrument[] }>(INSTRUMENTS);
  const instruments = data?.legalInstruments ?? [];
  const mayChange = session.permittedFields.includes('Mutation.createLegalInstrument');
  const numberPicker = (
    <label>
      {t('number')}
      <select name="number">
        {instruments.map((instrument) => (
          <option key={instrument.number} value={instrument.number}>
            {instrument.number} {instrument.title}
          </option>
        ))}
      </select>
    </label>
  );
  const change = async (reason: string, query: string, variables: Record<string, unknown>) => {
    await admin(session, query, variables, reason);
    await reload();
  };
  return (
    <section>
      <h2>{t('legalRegister')}</h2>
      {error && <div role="alert">{error}</div>}
      <Table
        testId="register"
        rows={instruments}
        columns={[
          [t('number'), (instrument) => instrument.number],
          [t('title_'), (instrument) => instrument.title],
          [t('type'), (instrument) => instrument.type],
          [t('issuer'), (instrument) => instrument.issuer],
          [t('effectiveFrom'), (instrument) => instrument.effectiveFrom],
          [t('status'), (instrument) => (instrument.replaced ? t('replaced') : t('inForce'))],
          [t('replacedBy'), (instrument) => (instrument.replacedBy.length ? `${instrument.replacedBy.join(', ')} (${instrument.replacedFrom})` : '-')],
          [t('amendedBy'), (instrument) => instrument.amendedBy.join(', ') || '-'],
        ]}
      />
      {mayChange && (
        <>
          <ChangeForm
            testId="create-instrument"
            title={`${t('create')}: ${t('legalRegister')}`}
            submit={t('create')}
            onSubmit={async (reason, form) => {
              const input = {
                number: String(form.get('number')),
                title: String(form.get('title')),
                type: String(form.get('type')),
                issuer: String(form.get('issuer')),
                effectiveFrom: String(form.get('effectiveFrom')),
                shortTitle: optional(form.get('shortTitle')),
              };
              await change(reason, `mutation ($input: CreateLegalInstrumentInput!) { createLegalInstrument(input: $input) { ${INSTRUMENT_FIELDS} } }`, {
                input,
              });
            }}
          >
            <label>
              {t('number')} <input name="number" required placeholder="12/2026/QĐ-UBND" />
            </label>
            <label>
              {t('title_')} <input name="title" required />
            </label>
            <label>
              {t('type')}
              <select name="type">
                {TYPES.map((type) => (
                  <option key={type}>{type}</option>
                ))}
              </select>
            </label>
            <label>
              {t('issuer')} <input name="issuer" required />
            </label>
            <label>
              {t('effectiveFrom')} <input name="effectiveFrom" type="date" required />
            </label>
            <label>
              {t('shortTitle')} <input name="shortTitle" />
            </label>
          </ChangeForm>
          <ChangeForm
            testId="edit-instrument"
            title={`${t('edit')}: ${t('legalRegister')}`}
            submit={t('save')}
            onSubmit={async (reason, form) => {
              const input = { title: optional(form.get('title')), issuer: optional(form.get('issuer')), effectiveFrom: optional(form.get('effectiveFrom')) };
              await change(
                reason,
                `mutation ($number: String!, $input: UpdateLegalInstrumentInput!) { updateLegalInstrument(number: $number, input: $input) { ${INSTRUMENT_FIELDS} } }`,
                { number: String(form.get('number')), input },
              );
            }}
          >
            {numberPicker}
            <label>
              {t('title_')} <input name="title" />
            </label>
            <label>
              {t('issuer')} <input name="issuer" />
            </label>
            <label>
              {t('effectiveFrom')} <input name="effectiveFrom" type="date" />
            </label>
          </ChangeForm>
          <ChangeForm
            testId="replace-instrument"
            title={t('markReplaced')}
            submit={t('markReplaced')}
            onSubmit={async (reason, form) => {
              await change(
                reason,
                'mutation ($number: String!, $by: [String!]!, $from: String) { markLegalInstrumentReplaced(number: $number, replacedBy: $by, from: $from) { number } }',
                {
                  number: String(form.get('number')),
                  by: listOf(form.get('by')),
                  from: optional(form.get('from')),
                },
              );
            }}
          >
            {numberPicker}
            <label>
              {t('replacedBy')} <input name="by" required placeholder="91/2025/QH15, 356/2025/NĐ-CP" />
            </label>
            <label>
              {t('replacedFrom')} <input name="from" type="date" />
            </label>
          </ChangeForm>
          <ChangeForm
            testId="amend-instrument"
            title={t('markAmended')}
            submit={t('markAmended')}
            onSubmit={async (reason, form) => {
              await change(reason, 'mutation ($number: String!, $by: [String!]!) { markLegalInstrumentAmended(number: $number, amendedBy: $by) { number } }', {
                number: String(form.get('number')),
                by: listOf(form.get('by')),
              });
            }}
          >
            {numberPicker}
            <label>
              {t('amendedBy')} <input name="by" required placeholder="194/2025/NĐ-CP" />
            </label>
          </ChangeForm>
        </>
      )}
    </section>
  );
}

import { useQuery } from './Common';
import { useConsole } from './consoleContext';
import type { LegalInstrument } from './RegisterPage';
import { INSTRUMENTS } from './RegisterPage';

/**
 * A grant form's legal basis: the register's entries in force, several of which may be chosen (legalInstruments),
 * and the citation's text (articles, clauses), which may be left empty. Replaced entries are not offered.
 */
export function LegalBasisPicker() {
  const { t } = useConsole();
  const { data } = useQuery<{ legalInstruments: LegalInstrument[] }>(INSTRUMENTS);
  return (
    <>
      <label>
        {t('legalBasis')}
        <select name="legalInstruments" multiple required size={6} data-testid="legal-basis-picker">
          {(data?.legalInstruments ?? [])
            .filter((instrument) => !instrument.replaced)
            .map((instrument) => (
              <option key={instrument.number} value={instrument.number}>
                {instrument.number} {instrument.shortTitle ?? instrument.title}
              </option>
            ))}
        </select>
      </label>
      <label>
        {t('citation')} <input name="citation" maxLength={500} placeholder="Điều 12" />
      </label>
    </>
  );
}

import { icd10Chapter } from '../../../subgraphs/health/icd10';

describe('icd10Chapter', () => {
  it.each([
    ['A09', 'Certain infectious and parasitic diseases'],
    ['B99', 'Certain infectious and parasitic diseases'],
    ['C34.1', 'Neoplasms'],
    ['D48.9', 'Neoplasms'],
    ['D50.0', 'Diseases of the blood and blood-forming organs and certain disorders involving the immune mechanism'],
    ['E11.9', 'Endocrine, nutritional and metabolic diseases'],
    ['H52.1', 'Diseases of the eye and adnexa'],
    ['H66.9', 'Diseases of the ear and mastoid process'],
    ['I10', 'Diseases of the circulatory system'],
    ['J18.9', 'Diseases of the respiratory system'],
    ['J189', 'Diseases of the respiratory system'],
    ['k35.8', 'Diseases of the digestive system'],
    ['S72.0', 'Injury, poisoning and certain other consequences of external causes'],
    ['T14.9', 'Injury, poisoning and certain other consequences of external causes'],
    ['U07.1', 'Codes for special purposes'],
    ['V89.2', 'External causes of morbidity and mortality'],
    ['Y98', 'External causes of morbidity and mortality'],
    ['Z00.0', 'Factors influencing health status and contact with health services'],
  ])('puts %s in "%s"', (code, chapter) => {
    expect(icd10Chapter(code)).toBe(chapter);
  });

  it.each([
    ['a category between two chapters', 'D49'],
    ['a category past the end of its chapter', 'K95'],
    ['a missing letter', '189'],
    ['a single digit', 'J1'],
    ['trailing garbage', 'J18.9; DROP'],
    ['an empty code', ''],
  ])('returns null for %s', (_case, code) => {
    expect(icd10Chapter(code)).toBeNull();
  });
});

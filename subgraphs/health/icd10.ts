/** An ICD-10 chapter: the first and last three-character categories it spans, inclusive, and its title. */
interface Icd10Chapter {
  first: string;
  last: string;
  title: string;
}

/** The chapters of ICD-10 (WHO), in code order. Chapter XIX and XX span two letters each. */
const ICD10_CHAPTERS: readonly Icd10Chapter[] = [
  { first: 'A00', last: 'B99', title: 'Certain infectious and parasitic diseases' },
  { first: 'C00', last: 'D48', title: 'Neoplasms' },
  { first: 'D50', last: 'D89', title: 'Diseases of the blood and blood-forming organs and certain disorders involving the immune mechanism' },
  { first: 'E00', last: 'E90', title: 'Endocrine, nutritional and metabolic diseases' },
  { first: 'F00', last: 'F99', title: 'Mental and behavioural disorders' },
  { first: 'G00', last: 'G99', title: 'Diseases of the nervous system' },
  { first: 'H00', last: 'H59', title: 'Diseases of the eye and adnexa' },
  { first: 'H60', last: 'H95', title: 'Diseases of the ear and mastoid process' },
  { first: 'I00', last: 'I99', title: 'Diseases of the circulatory system' },
  { first: 'J00', last: 'J99', title: 'Diseases of the respiratory system' },
  { first: 'K00', last: 'K93', title: 'Diseases of the digestive system' },
  { first: 'L00', last: 'L99', title: 'Diseases of the skin and subcutaneous tissue' },
  { first: 'M00', last: 'M99', title: 'Diseases of the musculoskeletal system and connective tissue' },
  { first: 'N00', last: 'N99', title: 'Diseases of the genitourinary system' },
  { first: 'O00', last: 'O99', title: 'Pregnancy, childbirth and the puerperium' },
  { first: 'P00', last: 'P96', title: 'Certain conditions originating in the perinatal period' },
  { first: 'Q00', last: 'Q99', title: 'Congenital malformations, deformations and chromosomal abnormalities' },
  { first: 'R00', last: 'R99', title: 'Symptoms, signs and abnormal clinical and laboratory findings, not elsewhere classified' },
  { first: 'S00', last: 'T98', title: 'Injury, poisoning and certain other consequences of external causes' },
  { first: 'U00', last: 'U99', title: 'Codes for special purposes' },
  { first: 'V01', last: 'Y98', title: 'External causes of morbidity and mortality' },
  { first: 'Z00', last: 'Z99', title: 'Factors influencing health status and contact with health services' },
];

/** A letter and two digits open every ICD-10 code; what follows (".9", "9") only refines the category. */
const CATEGORY = /^([A-Z]\d{2})(?:\.?[0-9A-Z]{0,4})$/;

/**
 * Given an ICD-10 code such as "J18.9" (or "J189"), returns the title of the chapter it falls in,
 * e.g. "Diseases of the respiratory system"; returns null for a malformed code or one outside every chapter.
 */
export function icd10Chapter(code: string): string | null {
  const match = CATEGORY.exec(code.trim().toUpperCase());
  if (!match) return null;
  const category = match[1]!;
  // Fixed-width letter + two digits sort like the codes themselves, so a string range is a code range.
  const chapter = ICD10_CHAPTERS.find((candidate) => candidate.first <= category && category <= candidate.last);
  return chapter?.title ?? null;
}

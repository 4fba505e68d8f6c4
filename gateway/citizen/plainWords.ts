import type { Purpose } from '../policy/types';

/** A text in Vietnamese and in English. */
export interface Bilingual {
  vi: string;
  en: string;
}

/** Each purpose of processing in plain words, as the citizen reads it. */
export const PURPOSE_WORDS: Readonly<Record<Purpose, Bilingual>> = {
  LAND_REGISTRATION: { vi: 'Đăng ký đất đai', en: 'Land registration' },
  MEDICAL_TREATMENT: { vi: 'Khám bệnh, chữa bệnh', en: 'Medical treatment' },
  HEALTH_INSURANCE: { vi: 'Bảo hiểm y tế', en: 'Health insurance' },
  PUBLIC_SERVICE: { vi: 'Giải quyết thủ tục hành chính', en: 'A public service procedure' },
  EDUCATION_ADMISSION: { vi: 'Tuyển sinh', en: 'School admission' },
  SOCIAL_SUPPORT: { vi: 'Trợ giúp xã hội', en: 'Social support' },
  INVESTIGATION: { vi: 'Điều tra', en: 'Investigation' },
  STATISTICS: { vi: 'Thống kê', en: 'Statistics' },
};

/** Given a purpose as recorded, returns it in plain words; an unknown one as written. */
export function wordsForPurpose(purpose: string | null): Bilingual | null {
  if (purpose === null) return null;
  return PURPOSE_WORDS[purpose as Purpose] ?? { vi: purpose, en: purpose };
}

/** Each built-in sector in plain words; a sector a province adds reads as its name. */
const SECTOR_WORDS: Readonly<Record<string, Bilingual>> = {
  population: { vi: 'Dân cư', en: 'Population' },
  land: { vi: 'Đất đai', en: 'Land' },
  health: { vi: 'Y tế', en: 'Health' },
  education: { vi: 'Giáo dục', en: 'Education' },
};

/** Given a sector's name, returns it in plain words. */
export function wordsForSector(sector: string): Bilingual {
  return SECTOR_WORDS[sector] ?? { vi: sector, en: sector };
}

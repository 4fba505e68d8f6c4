/**
 * The seed generator: given a number of citizens and a random seed, yields the rows of all four sector
 * databases, table by table in batches, so that a province-sized data set never sits in memory at once.
 *
 * It is pure and deterministic. Every household draws from its own random stream, derived from the seed and
 * the household's index (one stream per sector), and identifiers come from counters, not from chance; so the
 * same options give the same rows, byte for byte, whatever the batch size, and two citizens never share a
 * national ID, two cards a social insurance number, two parcels an identifier. Nothing reads the clock: ages,
 * validity and school years are reckoned on one reference date.
 *
 * The data hang together across databases: land owners, insured people, pupils and graduates are citizens of
 * the population database; parcels lie in their household's commune; pupils mostly attend schools of the commune
 * they live in. Some links cross communes, as a commune's row scope must be tested on: grown children who live
 * in another commune (the city, mostly) while registered in their parents' household, some of them co-owning a
 * parcel at home; pupils schooled in another commune; cards registered at a facility of another commune.
 */

import { formatNationalId } from '../../common/nationalId';
import { foldForSearch } from '../../common/text';
import type { DiplomaType, HouseholdRelationship, LandUsePurpose, SchoolLevel } from '../../common/vocabulary';
import { DIPLOMA_TYPES } from '../../common/vocabulary';
import type {
  AdministrativeUnitRow,
  CitizenRow,
  DiplomaRow,
  EncounterRow,
  EnrollmentRow,
  FacilityRow,
  HouseholdMemberRow,
  HouseholdRow,
  InsuranceCardRow,
  LandUseCertificateRow,
  OwnershipShareRow,
  ParcelRow,
  SchoolRow,
  VaccinationRow,
} from '../rows';
import type { Ethnicity, Sex } from './names';
import { fullName, pickSurname } from './names';
import type { Weighted } from './random';
import { Random, mixSeed, weighted } from './random';
import type { Commune, FormerDistrict, Terrain } from './units';
import { COMMUNES, FORMER_DISTRICTS, administrativeUnitRows, communeNamed } from './units';
import type { BuiltInSector } from '../../common/sectors';

/**
 * The day the generated data describe: the opening day of school year 2025-2026 (5 September 2025), after
 * the 1 July 2025 reform, so current communes are in force, cards of 2025 are valid and pupils are enrolled.
 */
export const REFERENCE_DATE = '2025-09-05';

/** The row type of every table the seed fills. */
export interface SeedRowsByTable {
  administrative_units: AdministrativeUnitRow;
  households: HouseholdRow;
  citizens: CitizenRow;
  household_members: HouseholdMemberRow;
  parcels: ParcelRow;
  land_use_certificates: LandUseCertificateRow;
  ownership_shares: OwnershipShareRow;
  facilities: FacilityRow;
  insurance_cards: InsuranceCardRow;
  vaccinations: VaccinationRow;
  encounters: EncounterRow;
  schools: SchoolRow;
  enrollments: EnrollmentRow;
  diplomas: DiplomaRow;
}
export type SeedTable = keyof SeedRowsByTable;

/** The tables of each sector in an order that satisfies their foreign keys when inserted front to back. */
export const SEED_TABLES: { readonly [S in BuiltInSector]: readonly SeedTable[] } = {
  population: ['administrative_units', 'households', 'citizens', 'household_members'],
  land: ['parcels', 'land_use_certificates', 'ownership_shares'],
  health: ['facilities', 'insurance_cards', 'vaccinations', 'encounters'],
  education: ['schools', 'enrollments', 'diplomas'],
};

/** Some rows of one table of one sector's database. */
export type TableBatch = { [T in SeedTable]: { sector: BuiltInSector; table: T; rows: SeedRowsByTable[T][] } }[SeedTable];

export interface GeneratorOptions {
  /** How many citizens to make, 1 or more. */
  citizens: number;
  /** Any 32-bit whole number; the same seed gives the same rows. */
  randomSeed: number;
  /** The day ages, validity and school years are reckoned on, YYYY-MM-DD; REFERENCE_DATE by default. */
  referenceDate?: string;
  /** Households per batch: it bounds memory and transaction size and never changes the rows. 500 by default. */
  householdsPerBatch?: number;
}

// ---------------------------------------------------------------------------------------------------------
// Calendar: dates are whole days since 1970-01-01 (UTC), formatted once per day through a cache.

const MILLISECONDS_PER_DAY = 86_400_000;
const DAY_CACHE_ORIGIN = -25_567; // 1900-01-01
const formattedDays: string[] = [];

/** Given a year, a month (1-12; others roll over into the next or previous year) and a day, returns the day number. */
function dayOf(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / MILLISECONDS_PER_DAY);
}

/** Given a YYYY-MM-DD date, returns its day number, or throws a RangeError for anything else. */
function parseDay(value: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) throw new RangeError(`a date must read YYYY-MM-DD, got "${value}"`);
  const day = dayOf(Number(match[1]), Number(match[2]), Number(match[3]));
  if (formatDay(day) !== value) throw new RangeError(`${value} is not a calendar date`);
  return day;
}

/** Given a day number, returns the date as YYYY-MM-DD. */
function formatDay(day: number): string {
  const index = day - DAY_CACHE_ORIGIN;
  let text = index >= 0 ? formattedDays[index] : undefined;
  if (text === undefined) {
    text = new Date(day * MILLISECONDS_PER_DAY).toISOString().slice(0, 10);
    if (index >= 0) formattedDays[index] = text;
  }
  return text;
}

function yearOf(day: number): number {
  return new Date(day * MILLISECONDS_PER_DAY).getUTCFullYear();
}

/** Given a day, returns the same calendar day `years` later (29 February becomes 1 March). */
function addYears(day: number, years: number): number {
  const date = new Date(day * MILLISECONDS_PER_DAY);
  return dayOf(date.getUTCFullYear() + years, date.getUTCMonth() + 1, date.getUTCDate());
}

/** Given a birthday and a day, returns the age in whole years on that day. */
function ageOn(birthDay: number, day: number): number {
  const birth = new Date(birthDay * MILLISECONDS_PER_DAY);
  const on = new Date(day * MILLISECONDS_PER_DAY);
  let age = on.getUTCFullYear() - birth.getUTCFullYear();
  if (on.getUTCMonth() < birth.getUTCMonth() || (on.getUTCMonth() === birth.getUTCMonth() && on.getUTCDate() < birth.getUTCDate())) age -= 1;
  return age;
}

// ---------------------------------------------------------------------------------------------------------
// Identifiers: a counter from a seed-dependent starting point, so uniqueness holds by construction. They are
// not shuffled on purpose: ascending keys append to a B-tree, while random ones make a large load thrash the
// database's page cache.

/** Given a counter, a seed-dependent start below half the range and the range (a power of ten), returns start + counter. */
function serialNumber(counter: number, start: number, range: number): number {
  if (start + counter >= range) throw new RangeError(`more than ${range - start} identifiers of one kind: too many for this format`);
  return start + counter;
}

/** Given the seed and a few words naming a kind of identifier, returns where its serial numbers start: below half the range. */
function serialStart(seed: number, range: number, ...kind: number[]): number {
  return mixSeed(seed, ...kind) % (range / 2);
}

function digits(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

// ---------------------------------------------------------------------------------------------------------
// Catalog: the province's communes with their weights and mixes, and the facilities and schools derived from them.

/** Share of each ethnic group by terrain, so that the province as a whole is about 82% Kinh, 9% Mường, 6% Thái. */
const ETHNIC_MIX: Record<Terrain, Weighted<Ethnicity>> = {
  URBAN: weighted<Ethnicity>([
    ['Kinh', 98.8],
    ['Mường', 0.6],
    ['Thái', 0.3],
    ['Hoa', 0.2],
    ['Thổ', 0.1],
  ]),
  LOWLAND: weighted<Ethnicity>([
    ['Kinh', 98.6],
    ['Mường', 0.8],
    ['Thái', 0.3],
    ['Thổ', 0.3],
  ]),
  MUONG_HIGHLAND: weighted<Ethnicity>([
    ['Kinh', 36],
    ['Mường', 53],
    ['Thái', 7],
    ['Thổ', 2],
    ['Dao', 2],
  ]),
  THAI_HIGHLAND: weighted<Ethnicity>([
    ['Kinh', 20],
    ['Thái', 56],
    ['Mường', 16],
    ['Mông', 4],
    ['Dao', 2],
    ['Khơ Mú', 2],
  ]),
  MONG_HIGHLAND: weighted<Ethnicity>([
    ['Thái', 44],
    ['Mông', 40],
    ['Kinh', 8],
    ['Khơ Mú', 5],
    ['Dao', 3],
  ]),
};

/** Residents per commune relative to an average lowland commune (about 25,000 people). */
function populationWeight(commune: Commune): number {
  if (commune.name === 'Hạc Thành') return 8;
  if (commune.terrain === 'URBAN') {
    const byDistrict: Record<string, number> = { '380': 3.9, '382': 2.5, '381': 1.6 };
    return byDistrict[commune.formerDistrictCode] ?? 1.4;
  }
  const byTerrain: Record<Terrain, number> = { URBAN: 1.4, LOWLAND: 1.15, MUONG_HIGHLAND: 0.8, THAI_HIGHLAND: 0.45, MONG_HIGHLAND: 0.2 };
  return byTerrain[commune.terrain];
}

interface CommuneFacilities {
  station: string;
  /** The regional centre or hospital of the former district, or a provincial hospital in the city. */
  referral: string;
}

interface CommuneSchools {
  primary: string;
  lowerSecondary: string;
  upperSecondary: string[];
  vocational: string;
}

interface Catalog {
  communePicker: Weighted<Commune>;
  ruralCommunes: readonly Commune[];
  facilities: FacilityRow[];
  facilitiesByCommune: Map<string, CommuneFacilities>;
  provincialHospitals: readonly string[];
  schools: SchoolRow[];
  schoolsByCommune: Map<string, CommuneSchools>;
  universities: readonly string[];
}

const PROVINCIAL_HOSPITALS = [
  'Bệnh viện Đa khoa tỉnh Thanh Hóa',
  'Bệnh viện Nhi Thanh Hóa',
  'Bệnh viện Phụ sản Thanh Hóa',
  'Bệnh viện Nội tiết tỉnh Thanh Hóa',
  'Bệnh viện Ung bướu tỉnh Thanh Hóa',
];

/** Regional hospitals that serve several former districts, by the commune they stand in. */
const REGIONAL_HOSPITALS: ReadonlyArray<readonly [name: string, commune: string]> = [
  ['Bệnh viện Đa khoa khu vực Ngọc Lặc', 'Ngọc Lặc'],
  ['Bệnh viện Đa khoa khu vực Tĩnh Gia', 'Tĩnh Gia'],
];

function districtOf(commune: Commune): FormerDistrict {
  return FORMER_DISTRICTS.find((district) => district.code === commune.formerDistrictCode)!;
}

/**
 * Returns the facilities and schools of the province. Facility codes are 38 + 3 digits (001-009 provincial,
 * 011-049 regional, 100 onwards the commune health stations in commune order); school codes are 38 + level
 * letters + commune code + a letter (38TH40778A). Both are illustrative, like the commune codes.
 */
function buildCatalog(): Catalog {
  const seat = communeNamed('Hạc Thành');
  const facilities: FacilityRow[] = PROVINCIAL_HOSPITALS.map((name, index) => ({
    code: `380${digits(index + 1, 2)}`,
    name,
    level: 'PROVINCIAL',
    commune_code: seat.code,
  }));
  const provincialHospitals = facilities.map((facility) => facility.code);
  const referralByDistrict = new Map<string, string>();
  let regionalIndex = 11;
  for (const [name, communeName] of REGIONAL_HOSPITALS) {
    facilities.push({ code: `380${digits(regionalIndex++, 2)}`, name, level: 'REGIONAL', commune_code: communeNamed(communeName).code });
  }
  for (const district of FORMER_DISTRICTS) {
    if (district.seat === null || district.code === '380') continue;
    const code = `380${digits(regionalIndex++, 2)}`;
    facilities.push({ code, name: `Trung tâm Y tế khu vực ${district.name}`, level: 'REGIONAL', commune_code: communeNamed(district.seat).code });
    referralByDistrict.set(district.code, code);
  }
  const facilitiesByCommune = new Map<string, CommuneFacilities>();
  COMMUNES.forEach((commune, index) => {
    const station = `38${digits(100 + index, 3)}`;
    facilities.push({ code: station, name: `Trạm Y tế ${commune.unitType} ${commune.name}`, level: 'COMMUNE', commune_code: commune.code });
    facilitiesByCommune.set(commune.code, { station, referral: referralByDistrict.get(commune.formerDistrictCode) ?? provincialHospitals[0]! });
  });

  const schools: SchoolRow[] = [];
  const schoolsByCommune = new Map<string, CommuneSchools>();
  const school = (code: string, name: string, level: SchoolLevel | 'VOCATIONAL' | 'HIGHER_EDUCATION', communeCode: string): string => {
    schools.push({ code, name, level, commune_code: communeCode });
    return code;
  };
  const vocationalByDistrict = new Map<string, string>();
  for (const district of FORMER_DISTRICTS) {
    if (district.seat === null) continue;
    const name = `Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên ${district.unitType} ${district.name}`;
    vocationalByDistrict.set(district.code, school(`38GDNN${district.code}`, name, 'VOCATIONAL', communeNamed(district.seat).code));
  }
  for (const commune of COMMUNES) {
    const named = (level: string) => `${level} ${commune.name}`;
    school(`38MN${commune.code}A`, named('Trường Mầm non'), 'PRESCHOOL', commune.code);
    const upperSecondary = [school(`38THPT${commune.code}A`, named('Trường THPT'), 'UPPER_SECONDARY', commune.code)];
    if (commune === seat) upperSecondary.push(school('38THPTCLS', 'Trường THPT chuyên Lam Sơn', 'UPPER_SECONDARY', commune.code));
    schoolsByCommune.set(commune.code, {
      primary: school(`38TH${commune.code}A`, named('Trường Tiểu học'), 'PRIMARY', commune.code),
      lowerSecondary: school(`38THCS${commune.code}A`, named('Trường THCS'), 'LOWER_SECONDARY', commune.code),
      upperSecondary,
      vocational: vocationalByDistrict.get(commune.formerDistrictCode) ?? vocationalByDistrict.get('380')!,
    });
  }
  const universities = [
    school('38DHHD', 'Trường Đại học Hồng Đức', 'HIGHER_EDUCATION', seat.code),
    school('38DHVHTTDL', 'Trường Đại học Văn hóa, Thể thao và Du lịch Thanh Hóa', 'HIGHER_EDUCATION', seat.code),
  ];
  return {
    communePicker: weighted(COMMUNES.map((commune) => [commune, populationWeight(commune)] as const)),
    ruralCommunes: COMMUNES.filter((commune) => commune.terrain !== 'URBAN'),
    facilities,
    facilitiesByCommune,
    provincialHospitals,
    schools,
    schoolsByCommune,
    universities,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Households: who lives together, how old they are, where.

interface PersonDraft {
  nationalId: string;
  fullName: string;
  surname: string;
  sex: Sex;
  birthDay: number;
  ethnicity: Ethnicity;
  relationship: HouseholdRelationship;
  deathDay: number | null;
}

/** Where a member who lives away from the household does live: a commune and an address there. */
interface AwayResidence {
  commune: Commune;
  address: string;
}

interface HouseholdDraft {
  index: number;
  code: string;
  commune: Commune;
  address: string;
  permanentCommune: Commune;
  permanentAddress: string;
  members: PersonDraft[];
  /** The members who live in another commune, by national ID, with where they live. */
  away: ReadonlyMap<string, AwayResidence>;
}

type HouseholdKind = 'SINGLE' | 'COUPLE' | 'NUCLEAR' | 'SINGLE_PARENT' | 'WITH_PARENTS' | 'WITH_GRANDCHILDREN';

const HOUSEHOLD_KINDS = weighted<HouseholdKind>([
  ['SINGLE', 9],
  ['COUPLE', 12],
  ['NUCLEAR', 48],
  ['SINGLE_PARENT', 7],
  ['WITH_PARENTS', 13],
  ['WITH_GRANDCHILDREN', 11],
]);
const MAX_HOUSEHOLD_SIZE = 7;

/** Province codes of birth registration other than Thanh Hóa's 038, for people born elsewhere. */
const OTHER_BIRTH_PROVINCES = weighted<number>([
  [40, 30],
  [37, 20],
  [1, 15],
  [36, 10],
  [42, 8],
  [79, 8],
  [14, 5],
  [31, 4],
]);
const THANH_HOA = 38;

const STREETS = [
  'Lê Lợi',
  'Trần Phú',
  'Lê Hoàn',
  'Bà Triệu',
  'Quang Trung',
  'Nguyễn Trãi',
  'Phan Chu Trinh',
  'Lý Thường Kiệt',
  'Tống Duy Tân',
  'Dương Đình Nghệ',
  'Nguyễn Chí Thanh',
  'Hải Thượng Lãn Ông',
  'Lê Lai',
  'Triệu Quốc Đạt',
  'Lạc Long Quân',
  'Hạc Thành',
  'Trường Thi',
  'Đinh Công Tráng',
  'Hàm Nghi',
  'Nguyễn Du',
  'Phan Bội Châu',
  'Trần Hưng Đạo',
  'Lê Thánh Tông',
  'Nguyễn Huệ',
  'Hồ Xuân Hương',
  'Đào Duy Từ',
  'Tôn Đức Thắng',
  'Ngô Quyền',
  'Lê Quý Đôn',
  'Mai An Tiêm',
];
const LOWLAND_VILLAGES = [
  'Đông',
  'Đoài',
  'Trung',
  'Thượng',
  'Hạ',
  'Tiền Phong',
  'Đồng Tâm',
  'Phú Xá',
  'Yên Lạc',
  'Tân Lập',
  'Hòa Bình',
  'Quyết Thắng',
  'Thành Công',
  'Đại Đồng',
  'Xuân Phú',
  'Phúc Thọ',
  'Bái Trung',
  'Văn Lộc',
  'Kim Sơn',
  'Phong Lạc',
];
const HIGHLAND_VILLAGES = [
  'Chiềng',
  'Na',
  'Khằm',
  'Poọng',
  'Mỏ',
  'Sại',
  'Hiềng',
  'Ngàm',
  'Khó',
  'Bất',
  'Lát',
  'Đanh',
  'Cốc',
  'Ươn',
  'Bôn',
  'Cang',
  'Pá Hộc',
  'Sa Ná',
  'Kham',
  'Nàng',
  'Phe',
  'Muốn',
  'Son',
  'Bá',
  'Lở',
];
const FIELD_NAMES = ['Đồng Mới', 'Cồn Cao', 'Bãi Dưới', 'Đồng Sau', 'Cửa Đình', 'Đồng Trũng', 'Mả Ngựa', 'Đồng Chùa', 'Bờ Sông', 'Gốc Gạo'];
const HILL_NAMES = ['Đồi Thông', 'Đồi Cao', 'Khe Nước', 'Rú Ngang', 'Đồi Chè', 'Eo Gió', 'Pù Mằn', 'Khe Cạn'];

/** Given a commune, returns a household address line in the local style. */
function addressLine(random: Random, commune: Commune): string {
  switch (commune.terrain) {
    case 'URBAN': {
      const form = random.next();
      if (form < 0.6) return `Số ${random.int(1, 260)} đường ${random.pick(STREETS)}`;
      if (form < 0.8) return `Số ${random.int(1, 60)} ngõ ${random.int(2, 220)} đường ${random.pick(STREETS)}`;
      return `Khu phố ${random.int(1, 25)}`;
    }
    case 'LOWLAND': {
      const form = random.next();
      if (form < 0.6) return `Thôn ${random.int(1, 22)}`;
      if (form < 0.85) return `Thôn ${random.pick(LOWLAND_VILLAGES)}`;
      return `Xóm ${random.int(1, 12)}`;
    }
    case 'MUONG_HIGHLAND':
      return random.chance(0.5) ? `Thôn ${random.pick(HIGHLAND_VILLAGES)}` : `Làng ${random.pick(HIGHLAND_VILLAGES)}`;
    default:
      return `Bản ${random.pick(HIGHLAND_VILLAGES)}`;
  }
}

interface Counters {
  nationalIdSerials: Map<string, number>;
  householdsByCommune: Map<string, number>;
  parcelsByCommune: Map<string, { sheet: number; lastNumber: number; capacity: number }>;
  parcelId: number;
  certificate: number;
  insuranceCard: number;
  vaccinationId: number;
  encounterId: number;
  enrollmentId: number;
  diplomas: Map<DiplomaType, number>;
}

interface Generation {
  seed: number;
  referenceDay: number;
  schoolYearStart: number;
  catalog: Catalog;
  counters: Counters;
  /** The head of the household drawn last, who may be heir to a parcel together with the next household's head. */
  previousHead: PersonDraft | null;
}

/** Stream numbers: each sector's choices come from their own stream, so changing one sector's rules leaves the others' rows alone. */
const STREAM = { household: 1, land: 2, health: 3, education: 4, awayResidence: 5, awayOwnership: 6, awaySchooling: 7 } as const;

function nextNationalId(generation: Generation, provinceCode: number, sex: Sex, birthYear: number): string {
  const key = `${provinceCode}:${sex}:${birthYear}`;
  const counter = generation.counters.nationalIdSerials.get(key) ?? 0;
  generation.counters.nationalIdSerials.set(key, counter + 1);
  const start = serialStart(generation.seed, 1_000_000, provinceCode, birthYear, sex === 'MALE' ? 0 : 1);
  return formatNationalId(provinceCode, sex, birthYear, serialNumber(counter, start, 1_000_000));
}

interface MemberSpec {
  relationship: HouseholdRelationship;
  sex: Sex;
  age: number;
  surname: string;
  ethnicity: Ethnicity;
  bornElsewhere: number;
}

/** Given a mother's age, returns the ages of her children: the first born when she was 20-32, then every 2-6 years. */
function childrenAges(random: Random, motherAge: number, count: number): number[] {
  const ages: number[] = [];
  let age = motherAge - random.int(20, 32);
  for (let child = 0; child < count && age >= 0; child += 1) {
    // Grown children have mostly left home by 26.
    if (age < 26 || random.chance(0.3)) ages.push(age);
    age -= random.int(2, 6);
  }
  return ages;
}

/**
 * Given a household's index, returns the household: commune, address and members with their relationship to
 * the head, drawn from the household's own random stream. `remaining` caps its size, so that the citizens add
 * up to exactly the number asked for.
 */
function drawHousehold(generation: Generation, index: number, remaining: number): HouseholdDraft {
  const random = new Random(generation.seed, STREAM.household, index);
  const commune = random.weightedPick(generation.catalog.communePicker);
  const ethnicity = random.weightedPick(ETHNIC_MIX[commune.terrain]);
  const kind = random.weightedPick(HOUSEHOLD_KINDS);
  const specs: MemberSpec[] = [];
  const add = (relationship: HouseholdRelationship, sex: Sex, age: number, surname: string, memberEthnicity: Ethnicity, bornElsewhere: number) => {
    specs.push({ relationship, sex, age, surname, ethnicity: memberEthnicity, bornElsewhere });
  };
  const spouseEthnicity = (): Ethnicity => (random.chance(0.9) ? ethnicity : random.weightedPick(ETHNIC_MIX[commune.terrain]));
  const headSurname = pickSurname(random, ethnicity);
  const addChildren = (relationship: HouseholdRelationship, motherAge: number, surname: string, childEthnicity: Ethnicity) => {
    const count = random.weightedPick([
      [1, 25],
      [2, 45],
      [3, 22],
      [4, 8],
    ] as const);
    for (const age of childrenAges(random, motherAge, count)) add(relationship, random.chance(0.51) ? 'MALE' : 'FEMALE', age, surname, childEthnicity, 0.02);
  };
  const addCouple = (headAge: number) => {
    add('HEAD', 'MALE', headAge, headSurname, ethnicity, 0.04);
    const wifeAge = Math.max(19, headAge - random.int(-2, 6));
    const wifeEthnicity = spouseEthnicity();
    add('SPOUSE', 'FEMALE', wifeAge, pickSurname(random, wifeEthnicity), wifeEthnicity, 0.1);
    return wifeAge;
  };

  switch (kind) {
    case 'SINGLE': {
      const age = random.weightedPick([
        [random.int(20, 35), 40],
        [random.int(36, 59), 25],
        [random.int(60, 92), 35],
      ] as const);
      const sex: Sex = random.chance(age >= 60 ? 0.7 : 0.45) ? 'FEMALE' : 'MALE';
      add('HEAD', sex, age, headSurname, ethnicity, 0.05);
      if (random.chance(0.12)) add('SIBLING', random.chance(0.5) ? 'MALE' : 'FEMALE', Math.max(18, age + random.int(-8, 8)), headSurname, ethnicity, 0.05);
      break;
    }
    case 'COUPLE':
      addCouple(
        random.weightedPick([
          [random.int(22, 34), 35],
          [random.int(35, 59), 20],
          [random.int(60, 88), 45],
        ] as const),
      );
      break;
    case 'NUCLEAR': {
      const wifeAge = addCouple(
        random.weightedPick([
          [random.int(24, 32), 25],
          [random.int(33, 45), 45],
          [random.int(46, 62), 30],
        ] as const),
      );
      addChildren('CHILD', wifeAge, headSurname, ethnicity);
      break;
    }
    case 'SINGLE_PARENT': {
      const sex: Sex = random.chance(0.75) ? 'FEMALE' : 'MALE';
      const age = random.int(26, 60);
      add('HEAD', sex, age, headSurname, ethnicity, 0.05);
      // Children carry their father's surname; a mother heading the household often has another.
      const childSurname = sex === 'MALE' ? headSurname : pickSurname(random, ethnicity);
      addChildren('CHILD', sex === 'FEMALE' ? age : Math.max(19, age - random.int(0, 6)), childSurname, ethnicity);
      break;
    }
    case 'WITH_PARENTS': {
      const headAge = random.int(26, 48);
      const wifeAge = addCouple(headAge);
      addChildren('CHILD', wifeAge, headSurname, ethnicity);
      const fatherAge = headAge + random.int(22, 35);
      if (fatherAge <= 95 && random.chance(0.6)) add('PARENT', 'MALE', fatherAge, headSurname, ethnicity, 0.04);
      const motherAge = headAge + random.int(20, 33);
      if (motherAge <= 97) add('PARENT', 'FEMALE', motherAge, pickSurname(random, ethnicity), ethnicity, 0.08);
      break;
    }
    case 'WITH_GRANDCHILDREN': {
      const headAge = random.int(50, 80);
      let motherAge = Math.max(19, headAge - random.int(0, 6));
      if (random.chance(0.85)) motherAge = addCouple(headAge);
      else add('HEAD', 'MALE', headAge, headSurname, ethnicity, 0.04);
      const sonAge = motherAge - random.int(20, 30);
      if (sonAge >= 20) {
        add('CHILD', 'MALE', sonAge, headSurname, ethnicity, 0.02);
        const daughterInLawAge = Math.max(19, sonAge - random.int(-2, 5));
        const daughterInLawEthnicity = spouseEthnicity();
        // A daughter-in-law (con dâu) is not among the listed relationships to the head.
        add('OTHER', 'FEMALE', daughterInLawAge, pickSurname(random, daughterInLawEthnicity), daughterInLawEthnicity, 0.1);
        addChildren('GRANDCHILD', daughterInLawAge, headSurname, ethnicity);
      }
      break;
    }
  }

  const size = Math.min(specs.length, MAX_HOUSEHOLD_SIZE, remaining);
  const namesInUse = new Set<string>();
  const members = specs.slice(0, size).map((spec) => drawPerson(generation, random, spec, namesInUse));
  const counters = generation.counters;
  const sequence = (counters.householdsByCommune.get(commune.code) ?? 0) + 1;
  counters.householdsByCommune.set(commune.code, sequence);
  const address = addressLine(random, commune);
  // Some urban households are registered permanently in their home commune and live in the city on temporary residence.
  const registeredElsewhere = random.chance(commune.terrain === 'URBAN' ? 0.12 : 0.02);
  const permanentCommune = registeredElsewhere ? random.pick(generation.catalog.ruralCommunes) : commune;
  return {
    index,
    code: `HK${commune.code}${digits(sequence, 6)}`,
    commune,
    address,
    permanentCommune,
    permanentAddress: registeredElsewhere ? addressLine(random, permanentCommune) : address,
    members,
    away: awayMembers(generation, index, commune, members),
  };
}

/** Relationships of the members who may have moved away for study or work while staying in the household's register. */
const MAY_LIVE_AWAY: ReadonlySet<HouseholdRelationship> = new Set(['CHILD', 'GRANDCHILD']);

/**
 * Given a household, returns its grown children and grandchildren (18 to 30) who live in another commune, with
 * where: the provincial seat for most of those from elsewhere, any other commune for those of the seat. Drawn
 * from a stream of its own, so the household's other rows are those it would have without them.
 */
function awayMembers(generation: Generation, index: number, commune: Commune, members: readonly PersonDraft[]): Map<string, AwayResidence> {
  const random = new Random(generation.seed, STREAM.awayResidence, index);
  const seat = communeNamed('Hạc Thành');
  const away = new Map<string, AwayResidence>();
  for (const person of members) {
    const age = ageOn(person.birthDay, generation.referenceDay);
    if (!MAY_LIVE_AWAY.has(person.relationship) || !isAlive(person) || age < 18 || age > 30 || !random.chance(0.35)) continue;
    let elsewhere = commune !== seat && random.chance(0.6) ? seat : random.weightedPick(generation.catalog.communePicker);
    while (elsewhere === commune) elsewhere = random.weightedPick(generation.catalog.communePicker);
    away.set(person.nationalId, { commune: elsewhere, address: addressLine(random, elsewhere) });
  }
  return away;
}

/** Chance that a person of that age, not heading the household, died within the last ten years. */
function deathChance(age: number): number {
  if (age >= 85) return 0.3;
  if (age >= 75) return 0.15;
  if (age >= 60) return 0.05;
  if (age >= 40) return 0.01;
  return 0;
}

/** Given a member's description, returns the person; `namesInUse` keeps two members of a household from sharing a full name. */
function drawPerson(generation: Generation, random: Random, spec: MemberSpec, namesInUse: Set<string>): PersonDraft {
  const reference = new Date(generation.referenceDay * MILLISECONDS_PER_DAY);
  const [year, month, day] = [reference.getUTCFullYear(), reference.getUTCMonth() + 1, reference.getUTCDate()];
  // Uniform over the year of days on which the person is exactly `age` on the reference day.
  const latest = dayOf(year - spec.age, month, day);
  const earliest = dayOf(year - spec.age - 1, month, day) + 1;
  const birthDay = random.int(earliest, latest);
  const birthYear = yearOf(birthDay);
  const provinceCode = random.chance(spec.bornElsewhere) ? random.weightedPick(OTHER_BIRTH_PROVINCES) : THANH_HOA;
  let deathDay: number | null = null;
  if (spec.relationship !== 'HEAD' && random.chance(deathChance(spec.age))) {
    deathDay = Math.max(birthDay + 1, generation.referenceDay - random.int(30, 3650));
  }
  let name = fullName(random, spec.surname, spec.sex, birthYear, spec.ethnicity);
  for (let attempt = 0; namesInUse.has(name) && attempt < 10; attempt += 1) name = fullName(random, spec.surname, spec.sex, birthYear, spec.ethnicity);
  namesInUse.add(name);
  return {
    nationalId: nextNationalId(generation, provinceCode, spec.sex, birthYear),
    fullName: name,
    surname: spec.surname,
    sex: spec.sex,
    birthDay,
    ethnicity: spec.ethnicity,
    relationship: spec.relationship,
    deathDay,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Rows of each sector for one household.

type Buffers = { [T in SeedTable]: SeedRowsByTable[T][] };

function emptyBuffers(): Buffers {
  const buffers = {} as Record<SeedTable, unknown[]>;
  for (const tables of Object.values(SEED_TABLES)) for (const table of tables) buffers[table] = [];
  return buffers as Buffers;
}

/** Given a household, adds its household, citizen and membership rows. */
function populationRows(household: HouseholdDraft, out: Buffers): void {
  const head = household.members[0]!;
  out.households.push({ code: household.code, unit_code: household.commune.code, address: household.address, head_national_id: head.nationalId });
  for (const person of household.members) {
    const away = household.away.get(person.nationalId);
    out.citizens.push({
      national_id: person.nationalId,
      full_name: person.fullName,
      search_name: foldForSearch(person.fullName),
      date_of_birth: formatDay(person.birthDay),
      sex: person.sex,
      ethnicity: person.ethnicity,
      nationality: 'VN',
      permanent_unit_code: household.permanentCommune.code,
      permanent_address: household.permanentAddress,
      current_unit_code: away?.commune.code ?? household.commune.code,
      current_address: away?.address ?? household.address,
      status: person.deathDay === null ? 'ALIVE' : 'DECEASED',
      date_of_death: person.deathDay === null ? null : formatDay(person.deathDay),
    });
    out.household_members.push({ household_code: household.code, national_id: person.nationalId, relationship: person.relationship });
  }
}

type AreaRange = readonly [min: number, max: number];

/** Realistic areas in m²: a house plot of 80-400 m², a rice field of 300-3000 m², a forest plot of hectares. */
const AREA_BY_PURPOSE: Record<LandUsePurpose, AreaRange> = {
  ONT: [100, 400],
  ODT: [80, 300],
  LUC: [300, 3000],
  LUK: [200, 1500],
  BHK: [200, 2000],
  NHK: [1000, 10000],
  CLN: [200, 5000],
  RSX: [5000, 50000],
  RPH: [10000, 100000],
  NTS: [500, 5000],
  TMD: [100, 1000],
  SKC: [200, 3000],
};

/** The parcels a household holds besides its house plot, by terrain: [purpose, chance or counts]. */
function farmParcels(random: Random, commune: Commune): LandUsePurpose[] {
  const parcels: LandUsePurpose[] = [];
  const repeat = (purpose: LandUsePurpose, count: number) => {
    for (let index = 0; index < count; index += 1) parcels.push(purpose);
  };
  switch (commune.terrain) {
    case 'URBAN':
      if (random.chance(0.04)) parcels.push('TMD');
      break;
    case 'LOWLAND':
      repeat(
        'LUC',
        random.weightedPick([
          [0, 25],
          [1, 30],
          [2, 28],
          [3, 17],
        ] as const),
      );
      if (random.chance(0.12)) parcels.push('BHK');
      if (random.chance(0.15)) parcels.push('CLN');
      if (commune.coastal && random.chance(0.12)) parcels.push('NTS');
      if (random.chance(0.01)) parcels.push('SKC');
      break;
    case 'MUONG_HIGHLAND':
      repeat(
        'LUC',
        random.weightedPick([
          [0, 35],
          [1, 40],
          [2, 25],
        ] as const),
      );
      repeat(
        'RSX',
        random.weightedPick([
          [0, 50],
          [1, 35],
          [2, 15],
        ] as const),
      );
      if (random.chance(0.35)) parcels.push('CLN');
      if (random.chance(0.15)) parcels.push('BHK');
      break;
    default:
      repeat(
        'LUK',
        random.weightedPick([
          [0, 45],
          [1, 40],
          [2, 15],
        ] as const),
      );
      repeat(
        'RSX',
        random.weightedPick([
          [0, 40],
          [1, 40],
          [2, 20],
        ] as const),
      );
      if (random.chance(0.3)) parcels.push('NHK');
      if (random.chance(0.2)) parcels.push('CLN');
  }
  return parcels;
}

const RESIDENTIAL: ReadonlySet<LandUsePurpose> = new Set(['ONT', 'ODT']);
/** Agricultural land allotted before 2013 was extended by the Land Law to 15 October 2063. */
const EXTENDED_AGRICULTURAL_TERM = dayOf(2063, 10, 15);

function certificateSerialPrefix(issueYear: number): string {
  if (issueYear < 2009) return 'AH';
  if (issueYear < 2017) return 'BT';
  if (issueYear < 2023) return 'CS';
  return 'DA';
}

function issuingAuthority(issueDay: number, district: FormerDistrict): string {
  // District people's committees certified households until the province's land registration office took over.
  if (issueDay < dayOf(2015, 1, 1)) return `Ủy ban nhân dân ${district.unitType} ${district.name}`;
  if (issueDay < dayOf(2025, 3, 1)) return 'Sở Tài nguyên và Môi trường tỉnh Thanh Hóa';
  return 'Văn phòng đăng ký đất đai tỉnh Thanh Hóa';
}

function isAlive(person: PersonDraft): boolean {
  return person.deathDay === null;
}

/**
 * Given a household, adds the parcels it holds in its commune, their certificates and ownership shares:
 * a house plot and, outside the towns, fields or forest by terrain; spouses hold 50/50, anyone else 100.
 */
function landRows(generation: Generation, household: HouseholdDraft, out: Buffers): void {
  const random = new Random(generation.seed, STREAM.land, household.index);
  const { referenceDay, counters } = generation;
  const commune = household.commune;
  const district = districtOf(commune);
  const head = household.members[0]!;
  const headAge = ageOn(head.birthDay, referenceDay);
  if (headAge < 18) return;
  const spouse = household.members.find((person) => person.relationship === 'SPOUSE' && isAlive(person));
  const owners = spouse ? [head, spouse] : [head];
  const holdings: Array<{ purpose: LandUsePurpose; owners: PersonDraft[] }> = [];
  const ownershipChance = headAge < 25 ? 0.3 : 1;
  if (random.chance(ownershipChance * (commune.terrain === 'URBAN' ? 0.72 : 0.9))) {
    holdings.push({ purpose: commune.terrain === 'URBAN' ? 'ODT' : 'ONT', owners });
  }
  if (random.chance(ownershipChance)) for (const purpose of farmParcels(random, commune)) holdings.push({ purpose, owners });
  for (const person of household.members) {
    if (person.relationship === 'CHILD' && isAlive(person) && ageOn(person.birthDay, referenceDay) >= 25 && random.chance(0.08)) {
      holdings.push({ purpose: commune.terrain === 'URBAN' ? 'ODT' : 'ONT', owners: [person] });
    }
  }

  coOwnedWithAwayMember(generation, household, holdings);

  const earliestIssue = Math.max(dayOf(1995, 1, 1), addYears(head.birthDay, 18));
  for (const holding of holdings) {
    const parcelId = ++counters.parcelId;
    const [sheet, parcelNumber] = nextParcelNumber(random, counters, commune.code);
    const [minimum, maximum] = AREA_BY_PURPOSE[holding.purpose];
    // Small plots are more common than large ones.
    const area = Math.round((minimum + (maximum - minimum) * random.next() ** 1.6) * 10) / 10;
    const certified = random.chance(0.93) && earliestIssue < referenceDay;
    const issueDay = certified ? random.int(earliestIssue, referenceDay - 1) : null;
    let landUseUntil: string | null = null;
    if (!RESIDENTIAL.has(holding.purpose)) {
      landUseUntil = formatDay(issueDay === null || issueDay < dayOf(2013, 7, 1) ? EXTENDED_AGRICULTURAL_TERM : addYears(issueDay, 50));
    }
    const address = RESIDENTIAL.has(holding.purpose)
      ? household.address
      : `${holding.purpose === 'RSX' || holding.purpose === 'NHK' ? random.pick(HILL_NAMES) : `Xứ đồng ${random.pick(FIELD_NAMES)}`}, ${household.address}`;
    out.parcels.push({
      id: parcelId,
      commune_code: commune.code,
      map_sheet_number: sheet,
      parcel_number: parcelNumber,
      area_m2: area,
      land_use_purpose: holding.purpose,
      land_use_until: landUseUntil,
      address,
    });
    if (issueDay !== null) {
      // A few certificates were exchanged for new ones (cấp đổi) after a change; the old one stays on record.
      const issues = random.chance(0.06) && issueDay < referenceDay - 400 ? [issueDay, random.int(issueDay + 365, referenceDay - 1)] : [issueDay];
      for (const day of issues) {
        const number = serialNumber(counters.certificate++, serialStart(generation.seed, 100_000_000, 0xce27), 100_000_000);
        out.land_use_certificates.push({
          serial: `${certificateSerialPrefix(yearOf(day))} ${digits(number, 8)}`,
          issue_date: formatDay(day),
          issuing_authority: issuingAuthority(day, district),
          parcel_id: parcelId,
        });
      }
    }
    const share = holding.owners.length === 2 ? 50 : 100;
    for (const owner of holding.owners) out.ownership_shares.push({ parcel_id: parcelId, national_id: owner.nationalId, share_percent: share });
  }
}

/**
 * Given a household and its holdings, makes about half of the households with a member living away hold their
 * last parcel with that member, 50/50 with the head (a share given while the parent lives), and some hold their
 * first parcel with an heir of another household: the parcel lies in the household's commune, one of its owners
 * elsewhere. From a stream of its own.
 */
function coOwnedWithAwayMember(generation: Generation, household: HouseholdDraft, holdings: Array<{ owners: PersonDraft[] }>): void {
  const random = new Random(generation.seed, STREAM.awayOwnership, household.index);
  const last = holdings[holdings.length - 1];
  const away = household.members.find((person) => household.away.has(person.nationalId));
  const head = household.members[0]!;
  // Siblings inherit their parents' land together: a fifth of households hold their first parcel with the head
  // of the household drawn before, who lives in another commune but for chance.
  const first = holdings[0];
  const heir = generation.previousHead;
  const inherited = first !== undefined && heir !== null && random.chance(0.2);
  if (inherited) first.owners = [head, heir];
  if (last && away && random.chance(0.5) && !(inherited && last === first)) last.owners = [head, away];
}

/** Given a commune, returns the next free (map sheet, parcel number): numbers rise with gaps, a sheet holds a few hundred. */
function nextParcelNumber(random: Random, counters: Counters, communeCode: string): [number, number] {
  let cursor = counters.parcelsByCommune.get(communeCode);
  if (!cursor) {
    cursor = { sheet: 1, lastNumber: 0, capacity: random.int(250, 650) };
    counters.parcelsByCommune.set(communeCode, cursor);
  }
  let number = cursor.lastNumber + 1 + (random.chance(0.3) ? random.int(1, 4) : 0);
  if (number > cursor.capacity) {
    cursor.sheet += 1;
    cursor.capacity = random.int(250, 650);
    number = 1 + random.int(0, 3);
  }
  cursor.lastNumber = number;
  return [cursor.sheet, number];
}

/** The expanded immunisation schedule (tiêm chủng mở rộng): vaccine, dose and age at which it is due, in days. */
const IMMUNISATION_SCHEDULE: ReadonlyArray<readonly [vaccine: string, dose: number, dueAtDays: number]> = [
  ['BCG', 1, 1],
  ['Viêm gan B', 1, 0],
  ['5 trong 1', 1, 61],
  ['5 trong 1', 2, 91],
  ['5 trong 1', 3, 122],
  ['Bại liệt uống', 1, 61],
  ['Bại liệt uống', 2, 91],
  ['Bại liệt uống', 3, 122],
  ['Bại liệt tiêm', 1, 152],
  ['Sởi', 1, 274],
  ['Viêm não Nhật Bản', 1, 365],
  ['Viêm não Nhật Bản', 2, 380],
  ['Viêm não Nhật Bản', 3, 730],
  ['Sởi - Rubella', 1, 548],
  ['DPT', 4, 548],
];
/** Immunisation records are kept electronically for children born since 2014. */
const IMMUNISATION_RECORDS_FROM = dayOf(2014, 1, 1);

const CHILD_DIAGNOSES = weighted<string>([
  ['J06.9', 30],
  ['A09', 15],
  ['J20.9', 15],
  ['J02.9', 12],
  ['R50.9', 10],
  ['H66.9', 8],
  ['B01.9', 5],
  ['L20.9', 5],
]);
const ADULT_DIAGNOSES = weighted<string>([
  ['J06.9', 20],
  ['K29.7', 12],
  ['M54.5', 12],
  ['I10', 8],
  ['J02.9', 8],
  ['K21.9', 6],
  ['A09', 6],
  ['N39.0', 5],
  ['R51', 5],
  ['E11.9', 4],
  ['E78.5', 4],
  ['S93.4', 3],
]);
const ELDERLY_DIAGNOSES = weighted<string>([
  ['I10', 30],
  ['E11.9', 14],
  ['M17.9', 10],
  ['E78.5', 8],
  ['J44.9', 8],
  ['M54.5', 8],
  ['I25.9', 6],
  ['K29.7', 6],
  ['N40', 4],
  ['I63.9', 2],
]);

const MINORITY_TERRAINS: ReadonlySet<Terrain> = new Set(['MUONG_HIGHLAND', 'THAI_HIGHLAND', 'MONG_HIGHLAND']);

/** Benefit level (mức hưởng) by the group a person is insured in: 2 for young children and minorities in hard areas, 3 for pensioners, 4 for most. */
function benefitLevel(random: Random, person: PersonDraft, age: number, commune: Commune): number {
  if (age < 6) return 2;
  if (person.ethnicity !== 'Kinh' && MINORITY_TERRAINS.has(commune.terrain) && random.chance(0.8)) return 2;
  const draw = random.next();
  if (draw < 0.015) return 1;
  if (draw < 0.035) return 5;
  if (age >= 60 && draw < 0.45) return 3;
  return 4;
}

/**
 * Given a household, adds its living members' insurance cards (about 90% valid on the reference date),
 * children's immunisations and, for about a fifth of people, encounters with an ICD-10 diagnosis.
 */
function healthRows(generation: Generation, household: HouseholdDraft, out: Buffers): void {
  const random = new Random(generation.seed, STREAM.health, household.index);
  const { referenceDay, counters, catalog } = generation;
  const local = catalog.facilitiesByCommune.get(household.commune.code)!;
  const cardStart = serialStart(generation.seed, 100_000_000, 0xca2d);
  const nextCardNumber = () => `38${digits(serialNumber(counters.insuranceCard++, cardStart, 100_000_000), 8)}`;
  const year = yearOf(referenceDay);
  const yearStart = dayOf(year, 1, 1);
  for (const person of household.members) {
    if (!isAlive(person)) continue;
    const age = ageOn(person.birthDay, referenceDay);
    const level = benefitLevel(random, person, age, household.commune);
    const primaryCare = random.chance(0.85) ? local.station : local.referral;
    const card = (validFrom: number, validTo: number) =>
      out.insurance_cards.push({
        social_insurance_number: nextCardNumber(),
        national_id: person.nationalId,
        benefit_level: level,
        primary_care_facility_code: primaryCare,
        valid_from: formatDay(validFrom),
        valid_to: formatDay(validTo),
      });
    const coverage = random.next();
    if (coverage < 0.9) {
      let validFrom: number;
      let validTo: number;
      if (age < 6) {
        // Children under six are insured free of charge from birth to the eve of their sixth birthday.
        validFrom = person.birthDay;
        validTo = addYears(person.birthDay, 6) - 1;
      } else if (random.chance(0.8)) {
        validFrom = yearStart;
        validTo = dayOf(year, 12, 31);
      } else {
        const reference = new Date(referenceDay * MILLISECONDS_PER_DAY);
        const monthsBack = random.int(0, 11);
        validFrom = dayOf(year, reference.getUTCMonth() + 1 - monthsBack, 1);
        validTo = addYears(validFrom, 1) - 1;
      }
      // Some people changed insurance group (school to work, work to pension) and kept the earlier card on record.
      if (age >= 7 && random.chance(0.08)) card(addYears(validFrom, -1), validFrom - 1);
      card(validFrom, validTo);
    } else if (coverage < 0.93 && age >= 1) {
      // Lapsed: last year's card was not renewed.
      card(dayOf(year - 1, 1, 1), dayOf(year - 1, 12, 31));
    }

    if (person.birthDay >= IMMUNISATION_RECORDS_FROM) {
      for (const [vaccine, dose, dueAtDays] of IMMUNISATION_SCHEDULE) {
        // Birth doses are given in the first day or two; later ones within three weeks of falling due.
        const day = person.birthDay + dueAtDays + (dueAtDays <= 1 ? random.int(0, 1) : random.int(0, 20));
        if (day > referenceDay || !random.chance(0.96)) continue;
        out.vaccinations.push({
          id: ++counters.vaccinationId,
          national_id: person.nationalId,
          vaccine,
          dose,
          vaccinated_on: formatDay(day),
          facility_code: local.station,
        });
      }
    }

    if (random.chance(0.2)) {
      const visits = random.weightedPick([
        [1, 60],
        [2, 28],
        [3, 12],
      ] as const);
      const diagnoses = age < 15 ? CHILD_DIAGNOSES : age < 60 ? ADULT_DIAGNOSES : ELDERLY_DIAGNOSES;
      for (let visit = 0; visit < visits; visit += 1) {
        const place = random.next();
        const facility = place < 0.6 ? local.station : place < 0.85 ? local.referral : random.pick(catalog.provincialHospitals);
        let diagnosis = random.weightedPick(diagnoses);
        if (diagnosis === 'N40' && person.sex === 'FEMALE') diagnosis = 'N39.0';
        out.encounters.push({
          id: ++counters.encounterId,
          national_id: person.nationalId,
          facility_code: facility,
          encounter_date: formatDay(random.int(Math.max(person.birthDay, dayOf(year - 1, 1, 1)), referenceDay)),
          icd10_code: diagnosis,
        });
      }
    }
  }
}

/** Given a school-year start and a year of birth, returns the grade: pupils enter grade 1 in the year they turn six. */
function gradeFor(schoolYearStart: number, birthYear: number): number {
  return schoolYearStart - birthYear - 5;
}

/** Given the year a school year starts, returns its label: 2025 -> "2025-2026". */
function schoolYearLabel(startYear: number): string {
  return `${startYear}-${startYear + 1}`;
}

function levelOfGrade(grade: number): 'PRIMARY' | 'LOWER_SECONDARY' | 'UPPER_SECONDARY' {
  if (grade <= 5) return 'PRIMARY';
  return grade <= 9 ? 'LOWER_SECONDARY' : 'UPPER_SECONDARY';
}

const DIPLOMA_PREFIX: Record<DiplomaType, string> = {
  LOWER_SECONDARY_DIPLOMA: 'THCS',
  UPPER_SECONDARY_DIPLOMA: 'THPT',
  VOCATIONAL_CERTIFICATE: 'CCN',
  BACHELOR: 'DH',
};

/**
 * Given a household, adds enrolments of its school-age children in the schools of their commune (this year,
 * and last year for most) and the diplomas of its older members.
 */
function educationRows(generation: Generation, household: HouseholdDraft, out: Buffers): void {
  const random = new Random(generation.seed, STREAM.education, household.index);
  const { referenceDay, schoolYearStart, counters, catalog } = generation;
  const schools = catalog.schoolsByCommune.get(household.commune.code)!;
  const highland = MINORITY_TERRAINS.has(household.commune.terrain);
  const diploma = (person: PersonDraft, type: DiplomaType, day: number, schoolCode: string) => {
    if (day > referenceDay) return;
    const counter = counters.diplomas.get(type) ?? 0;
    counters.diplomas.set(type, counter + 1);
    const number = serialNumber(counter, serialStart(generation.seed, 100_000_000, DIPLOMA_TYPES.indexOf(type)), 100_000_000);
    out.diplomas.push({
      serial: `${DIPLOMA_PREFIX[type]}${digits(number, 8)}`,
      national_id: person.nationalId,
      type,
      issue_date: formatDay(day),
      school_code: schoolCode,
    });
  };
  const crossing = new Random(generation.seed, STREAM.awaySchooling, household.index);
  for (const person of household.members) {
    const birthYear = yearOf(person.birthDay);
    const grade = gradeFor(schoolYearStart, birthYear);
    if (isAlive(person) && grade >= 1 && grade <= 12) {
      const attended = schoolsAttended(catalog, household.commune, crossing) ?? schools;
      const upperSecondary = random.chance(0.8) ? attended.upperSecondary[0]! : random.pick(attended.upperSecondary);
      const schoolFor = (pupilGrade: number) => {
        const level = levelOfGrade(pupilGrade);
        if (level === 'PRIMARY') return attended.primary;
        return level === 'LOWER_SECONDARY' ? attended.lowerSecondary : upperSecondary;
      };
      if (grade >= 2 && random.chance(0.7)) {
        out.enrollments.push({
          id: ++counters.enrollmentId,
          national_id: person.nationalId,
          school_code: schoolFor(grade - 1),
          school_year: schoolYearLabel(schoolYearStart - 1),
          grade: grade - 1,
        });
      }
      out.enrollments.push({
        id: ++counters.enrollmentId,
        national_id: person.nationalId,
        school_code: schoolFor(grade),
        school_year: schoolYearLabel(schoolYearStart),
        grade,
      });
    }

    // Grade 9 ends in June of the year a pupil turns 15; those in upper secondary school hold the lower secondary diploma.
    if (grade < 10) continue;
    const inSchool = grade <= 12;
    const generationFactor = highland ? 0.85 : 1;
    const lowerChance = inSchool ? 1 : (birthYear >= 1990 ? 0.95 : birthYear >= 1970 ? 0.8 : birthYear >= 1955 ? 0.6 : 0.4) * generationFactor;
    if (!random.chance(lowerChance)) continue;
    // Records of the oldest diplomas are incomplete.
    if (inSchool || random.chance(0.92)) diploma(person, 'LOWER_SECONDARY_DIPLOMA', dayOf(birthYear + 15, 6, random.int(10, 30)), schools.lowerSecondary);
    if (inSchool) continue;
    const upperChance = (birthYear >= 1995 ? 0.82 : birthYear >= 1975 ? 0.7 : birthYear >= 1960 ? 0.5 : 0.3) * (highland ? 0.8 : 1);
    if (random.chance(upperChance)) {
      diploma(person, 'UPPER_SECONDARY_DIPLOMA', dayOf(birthYear + 18, 7, random.int(5, 31)), schools.upperSecondary[0]!);
      const bachelorChance = birthYear >= 1980 ? (household.commune.terrain === 'URBAN' ? 0.3 : 0.12) : 0.06;
      if (random.chance(bachelorChance)) {
        diploma(person, 'BACHELOR', dayOf(birthYear + 22 + random.int(0, 1), random.int(6, 9), random.int(1, 28)), random.pick(catalog.universities));
      }
    }
    if (random.chance(0.14)) {
      diploma(person, 'VOCATIONAL_CERTIFICATE', dayOf(birthYear + random.int(18, 30), random.int(1, 12), random.int(1, 28)), schools.vocational);
    }
  }
}

/**
 * Given the catalog, a pupil's commune and the schooling stream, returns the schools of another commune the
 * pupil attends, or null for the schools of the pupil's own commune: the seat's for about one pupil in eight
 * from elsewhere, another commune's for about one in four of the seat's, whose pupils cross the city's edge.
 */
function schoolsAttended(catalog: Catalog, commune: Commune, random: Random): CommuneSchools | null {
  const seat = communeNamed('Hạc Thành');
  if (!random.chance(commune === seat ? 0.25 : 0.12)) return null;
  let elsewhere = commune === seat ? random.pick(COMMUNES) : seat;
  while (elsewhere === commune) elsewhere = random.pick(COMMUNES);
  return catalog.schoolsByCommune.get(elsewhere.code)!;
}

/** Compares by code units, as both databases' binary collations do, and unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Given the number of citizens and a random seed, yields every row of the four sector databases: first the
 * reference tables (units, facilities, schools), then, for each batch of households, the rows of each table
 * in an order that satisfies the foreign keys of its sector.
 */
export function* generateSeedRows(options: GeneratorOptions): Generator<TableBatch> {
  const { citizens, randomSeed } = options;
  if (!Number.isInteger(citizens) || citizens < 1) throw new RangeError(`citizens must be a whole number of 1 or more, got ${citizens}`);
  if (!Number.isInteger(randomSeed)) throw new RangeError(`randomSeed must be a whole number, got ${randomSeed}`);
  const householdsPerBatch = options.householdsPerBatch ?? 500;
  if (!Number.isInteger(householdsPerBatch) || householdsPerBatch < 1)
    throw new RangeError(`householdsPerBatch must be a whole number of 1 or more, got ${householdsPerBatch}`);
  const referenceDay = parseDay(options.referenceDate ?? REFERENCE_DATE);
  const reference = new Date(referenceDay * MILLISECONDS_PER_DAY);
  const generation: Generation = {
    seed: randomSeed >>> 0,
    referenceDay,
    // The school year starts in September.
    schoolYearStart: reference.getUTCMonth() >= 8 ? reference.getUTCFullYear() : reference.getUTCFullYear() - 1,
    catalog: buildCatalog(),
    counters: {
      nationalIdSerials: new Map(),
      householdsByCommune: new Map(),
      parcelsByCommune: new Map(),
      parcelId: 0,
      certificate: 0,
      insuranceCard: 0,
      vaccinationId: 0,
      encounterId: 0,
      enrollmentId: 0,
      diplomas: new Map(),
    },
    previousHead: null,
  };

  yield { sector: 'population', table: 'administrative_units', rows: administrativeUnitRows() };
  yield { sector: 'health', table: 'facilities', rows: generation.catalog.facilities };
  yield { sector: 'education', table: 'schools', rows: generation.catalog.schools };

  let remaining = citizens;
  let householdIndex = 0;
  while (remaining > 0) {
    const buffers = emptyBuffers();
    for (let count = 0; count < householdsPerBatch && remaining > 0; count += 1) {
      const household = drawHousehold(generation, householdIndex, remaining);
      householdIndex += 1;
      remaining -= household.members.length;
      populationRows(household, buffers);
      landRows(generation, household, buffers);
      healthRows(generation, household, buffers);
      educationRows(generation, household, buffers);
      generation.previousHead = household.members[0]!;
    }
    // In primary-key order, one INSERT touches neighbouring index pages instead of pages all over the tree.
    buffers.households.sort((a, b) => compare(a.code, b.code));
    buffers.citizens.sort((a, b) => compare(a.national_id, b.national_id));
    buffers.household_members.sort((a, b) => compare(a.household_code, b.household_code) || compare(a.national_id, b.national_id));
    for (const sector of Object.keys(SEED_TABLES) as BuiltInSector[]) {
      for (const table of SEED_TABLES[sector]) {
        const rows = buffers[table];
        if (rows.length > 0) yield { sector, table, rows } as TableBatch;
      }
    }
  }
}

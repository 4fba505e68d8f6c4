/**
 * Vietnamese personal names and the ethnic groups of Thanh Hóa, for the seed generator.
 *
 * Surname weights follow the commonly cited national shares (Nguyễn about 38%, Trần 11%, Lê 9.5%,
 * Phạm 7%...), with the surnames frequent in Thanh Hóa (Trịnh, Mai, Lại, Đinh) added. Middle names shift
 * with the generation: "Văn" and "Thị" dominate among people born before 1980 and give way to Minh, Gia,
 * Ngọc, Bảo... among children. The Mường, Thái and Mông surname lists are the ones usual in the western
 * districts of the province. Names are combined at random: any resemblance to a real person is chance.
 */
import type { Random, Weighted } from './random';
import { weighted } from './random';

export type Sex = 'MALE' | 'FEMALE';

/** Ethnic groups as written in civil records; Kinh about 82% of Thanh Hóa, Mường 9%, Thái 6%, Mông, Dao, Thổ, Khơ Mú and Hoa the rest. */
export const ETHNICITIES = ['Kinh', 'Mường', 'Thái', 'Mông', 'Dao', 'Thổ', 'Khơ Mú', 'Hoa'] as const;
export type Ethnicity = (typeof ETHNICITIES)[number];

const KINH_SURNAMES = weighted<string>([
  ['Nguyễn', 38],
  ['Trần', 11],
  ['Lê', 9.5],
  ['Phạm', 7],
  ['Hoàng', 4.5],
  ['Huỳnh', 0.6],
  ['Phan', 4.5],
  ['Vũ', 3.2],
  ['Võ', 0.7],
  ['Đặng', 2.1],
  ['Bùi', 2],
  ['Đỗ', 1.4],
  ['Hồ', 1.3],
  ['Ngô', 1.3],
  ['Dương', 1],
  ['Lý', 0.5],
  ['Trịnh', 1.6],
  ['Mai', 1.2],
  ['Đinh', 1],
  ['Lại', 0.5],
  ['Cao', 0.6],
  ['Hà', 0.6],
  ['Lưu', 0.4],
  ['Tống', 0.3],
  ['Lương', 0.4],
  ['Đoàn', 0.5],
  ['Vương', 0.2],
  ['Trương', 0.5],
  ['Quách', 0.2],
  ['Nhữ', 0.1],
]);

const SURNAMES_BY_ETHNICITY: Record<Ethnicity, Weighted<string>> = {
  Kinh: KINH_SURNAMES,
  Mường: weighted([
    ['Bùi', 30],
    ['Đinh', 18],
    ['Quách', 10],
    ['Hà', 10],
    ['Phạm', 10],
    ['Trương', 6],
    ['Cao', 5],
    ['Lê', 5],
    ['Nguyễn', 6],
  ]),
  Thái: weighted([
    ['Lò', 16],
    ['Lương', 18],
    ['Hà', 18],
    ['Vi', 10],
    ['Cầm', 8],
    ['Lữ', 8],
    ['Ngân', 8],
    ['Phạm', 7],
    ['Lang', 7],
  ]),
  Mông: weighted([
    ['Giàng', 25],
    ['Thào', 20],
    ['Vàng', 18],
    ['Sùng', 12],
    ['Lầu', 10],
    ['Mùa', 8],
    ['Hờ', 7],
  ]),
  Dao: weighted([
    ['Triệu', 35],
    ['Bàn', 30],
    ['Lý', 20],
    ['Đặng', 15],
  ]),
  Thổ: weighted([
    ['Lê', 30],
    ['Nguyễn', 25],
    ['Trương', 20],
    ['Hoàng', 15],
    ['Phạm', 10],
  ]),
  'Khơ Mú': weighted([
    ['Vi', 30],
    ['Lò', 30],
    ['Lang', 20],
    ['Lộc', 20],
  ]),
  Hoa: weighted([
    ['Lý', 25],
    ['Trần', 20],
    ['Lâm', 20],
    ['Hứa', 15],
    ['Quan', 10],
    ['Mạc', 10],
  ]),
};

/** Given a year of birth, returns a weight from 0 (born 1930) to 1 (born 2020): how "modern" a name choice is. */
function modernity(birthYear: number): number {
  return Math.min(1, Math.max(0, (birthYear - 1930) / 90));
}

/** Middle names with weights for the oldest (first) and the youngest (second) generation. */
const MIDDLE_NAMES: Record<Sex, ReadonlyArray<readonly [string, number, number]>> = {
  MALE: [
    ['Văn', 70, 12],
    ['Đức', 5, 8],
    ['Hữu', 6, 4],
    ['Minh', 3, 14],
    ['Quang', 3, 6],
    ['Công', 4, 3],
    ['Xuân', 3, 2],
    ['Đình', 5, 3],
    ['Ngọc', 2, 3],
    ['Anh', 0.5, 5],
    ['Gia', 0.2, 10],
    ['Trọng', 2, 3],
    ['Tiến', 1, 2],
    ['Mạnh', 1, 3],
    ['Hoàng', 1, 5],
    ['Duy', 0.5, 5],
    ['Bảo', 0.1, 7],
    ['Thành', 2, 3],
    ['Đăng', 0.5, 4],
    ['Khánh', 0.2, 4],
  ],
  FEMALE: [
    ['Thị', 80, 22],
    ['Ngọc', 3, 12],
    ['Thu', 4, 5],
    ['Thanh', 4, 5],
    ['Thùy', 1, 6],
    ['Phương', 1, 6],
    ['Minh', 0.5, 6],
    ['Hồng', 3, 3],
    ['Kim', 2, 3],
    ['Mai', 1, 3],
    ['Bảo', 0.1, 6],
    ['Khánh', 0.2, 6],
    ['Hải', 0.5, 3],
    ['Diệu', 0.3, 3],
    ['Quỳnh', 0.3, 4],
    ['Tuyết', 1, 1],
    ['Hà', 0.5, 3],
    ['Gia', 0.1, 4],
  ],
};

/** Given names with weights for the oldest (first) and the youngest (second) generation. */
const GIVEN_NAMES: Record<Sex, ReadonlyArray<readonly [string, number, number]>> = {
  MALE: [
    ['Hùng', 6, 2],
    ['Dũng', 5, 2],
    ['Tuấn', 5, 3],
    ['Minh', 4, 6],
    ['Nam', 4, 5],
    ['Hải', 4, 3],
    ['Long', 3, 4],
    ['Thắng', 5, 2],
    ['Cường', 4, 2],
    ['Quân', 2, 5],
    ['Huy', 2, 6],
    ['Đức', 4, 4],
    ['Sơn', 5, 2],
    ['Thành', 4, 3],
    ['Trung', 4, 2],
    ['Hiếu', 2, 4],
    ['Phúc', 2, 5],
    ['Khoa', 0.5, 5],
    ['Bảo', 0.3, 5],
    ['An', 1, 7],
    ['Khôi', 0.2, 6],
    ['Đạt', 2, 5],
    ['Phong', 2, 4],
    ['Tùng', 3, 3],
    ['Lâm', 2, 4],
    ['Hoàng', 2, 3],
    ['Việt', 2, 3],
    ['Kiên', 2, 3],
    ['Tài', 2, 2],
    ['Lộc', 2, 3],
    ['Quang', 3, 2],
    ['Bình', 4, 2],
    ['Toàn', 3, 2],
    ['Vinh', 3, 2],
    ['Tú', 2, 2],
    ['Thịnh', 2, 3],
    ['Duy', 1, 4],
    ['Hưng', 3, 3],
    ['Khang', 0.3, 5],
    ['Nhân', 2, 3],
    ['Nghĩa', 3, 2],
    ['Tâm', 2, 2],
    ['Trí', 1, 3],
    ['Vũ', 1, 3],
    ['Chiến', 4, 1],
    ['Lợi', 3, 1],
    ['Thanh', 3, 1],
    ['Hòa', 3, 1],
  ],
  FEMALE: [
    ['Lan', 6, 2],
    ['Hương', 6, 2],
    ['Hoa', 6, 1],
    ['Mai', 5, 3],
    ['Linh', 2, 8],
    ['Trang', 3, 6],
    ['Hà', 4, 4],
    ['Thảo', 3, 5],
    ['Ngọc', 2, 4],
    ['Anh', 2, 8],
    ['Hằng', 4, 2],
    ['Huyền', 3, 3],
    ['Nhung', 4, 1],
    ['Thủy', 5, 2],
    ['Yến', 4, 3],
    ['Nga', 5, 1],
    ['Oanh', 3, 1],
    ['Phương', 3, 3],
    ['Hạnh', 4, 2],
    ['Dung', 4, 1],
    ['Giang', 3, 3],
    ['Hiền', 4, 2],
    ['Vân', 4, 2],
    ['Loan', 4, 1],
    ['Liên', 4, 1],
    ['Nhi', 0.3, 7],
    ['Vy', 0.2, 7],
    ['Chi', 0.5, 5],
    ['My', 0.5, 6],
    ['Ngân', 1, 5],
    ['Quỳnh', 1, 4],
    ['Trâm', 1, 3],
    ['Uyên', 0.5, 4],
    ['Thư', 0.5, 6],
    ['Ánh', 2, 3],
    ['Hân', 0.1, 6],
    ['Hồng', 4, 1],
    ['Tuyết', 3, 1],
    ['Thúy', 4, 1],
    ['Duyên', 2, 3],
    ['Lý', 3, 1],
    ['Xuân', 3, 1],
  ],
};

/** Mông names keep their own forms: "A" marks a man, the given names are Mông words. */
const MONG_MIDDLE_NAMES: Record<Sex, readonly string[]> = { MALE: ['A', 'Văn'], FEMALE: ['Thị'] };
const MONG_GIVEN_NAMES: Record<Sex, readonly string[]> = {
  MALE: ['Páo', 'Chứ', 'Súa', 'Dế', 'Lử', 'Pó', 'Tủa', 'Sình', 'Vừ', 'Chính'],
  FEMALE: ['Mỷ', 'Dợ', 'Máy', 'Sua', 'Pà', 'Chá', 'Dua', 'Xí'],
};

/** Prepared tables per sex and birth decade: the blend of the two generations' weights changes slowly. */
const tableCache = new Map<string, Weighted<string>>();

function generationalTable(kind: 'middle' | 'given', sex: Sex, birthYear: number): Weighted<string> {
  const decade = Math.floor(birthYear / 10) * 10;
  const key = `${kind}:${sex}:${decade}`;
  let table = tableCache.get(key);
  if (!table) {
    const blend = modernity(decade + 5);
    const source = kind === 'middle' ? MIDDLE_NAMES[sex] : GIVEN_NAMES[sex];
    table = weighted(source.map(([name, oldWeight, newWeight]) => [name, oldWeight * (1 - blend) + newWeight * blend] as const));
    tableCache.set(key, table);
  }
  return table;
}

/** Given an ethnic group, returns a surname usual in it. */
export function pickSurname(random: Random, ethnicity: Ethnicity): string {
  return random.weightedPick(SURNAMES_BY_ETHNICITY[ethnicity]);
}

/**
 * Given a surname (a child's comes from the father), sex, year of birth and ethnic group, returns a full name:
 * surname, middle name, given name, e.g. "Nguyễn Thị Lan".
 */
export function fullName(random: Random, surname: string, sex: Sex, birthYear: number, ethnicity: Ethnicity): string {
  if (ethnicity === 'Mông') {
    return `${surname} ${random.pick(MONG_MIDDLE_NAMES[sex])} ${random.pick(MONG_GIVEN_NAMES[sex])}`;
  }
  const middle = random.weightedPick(generationalTable('middle', sex, birthYear));
  let given = random.weightedPick(generationalTable('given', sex, birthYear));
  // "Minh Minh" or "Ngọc Ngọc" does not happen; draw the given name again.
  for (let attempt = 0; given === middle && attempt < 5; attempt += 1) given = random.weightedPick(generationalTable('given', sex, birthYear));
  return `${surname} ${middle} ${given}`;
}

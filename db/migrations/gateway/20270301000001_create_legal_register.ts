import type { Knex } from 'knex';

/**
 * The legal register: the laws, decrees and decisions grants rest on, keyed by their number, with what replaced
 * or amended each. Grants cite entries of it by number (grants.legal_instruments, a JSON array); the grants that
 * existed before are linked to the entries their legal-basis text names, and keep their text.
 */
export const name = '20270301000001_create_legal_register';

interface SeedInstrument {
  number: string;
  title: string;
  type: string;
  issuer: string;
  effectiveFrom: string;
  /** The name a legal-basis text may use instead of the number, such as "Luật Đất đai 2024". */
  shortTitle: string | null;
  replacedBy?: string[];
  replacedFrom?: string;
  amendedBy?: string[];
}

const NATIONAL_ASSEMBLY = 'Quốc hội';
const GOVERNMENT = 'Chính phủ';

/** The instruments in force on the platform's data when the register was made, as the official gazette lists them. */
const SEED: readonly SeedInstrument[] = [
  { number: '60/2024/QH15', title: 'Luật Dữ liệu', type: 'LAW', issuer: NATIONAL_ASSEMBLY, effectiveFrom: '2025-07-01', shortTitle: 'Luật Dữ liệu' },
  {
    number: '165/2025/NĐ-CP',
    title: 'Quy định chi tiết một số điều và biện pháp thi hành Luật Dữ liệu',
    type: 'DECREE',
    issuer: GOVERNMENT,
    effectiveFrom: '2025-07-01',
    shortTitle: null,
  },
  {
    number: '20/2025/QĐ-TTg',
    title: 'Danh mục dữ liệu quan trọng, dữ liệu cốt lõi',
    type: 'DECISION',
    issuer: 'Thủ tướng Chính phủ',
    effectiveFrom: '2025-07-01',
    shortTitle: null,
  },
  {
    number: '13/2023/NĐ-CP',
    title: 'Bảo vệ dữ liệu cá nhân',
    type: 'DECREE',
    issuer: GOVERNMENT,
    effectiveFrom: '2023-07-01',
    shortTitle: null,
    replacedBy: ['91/2025/QH15', '356/2025/NĐ-CP'],
    replacedFrom: '2026-01-01',
  },
  {
    number: '91/2025/QH15',
    title: 'Luật Bảo vệ dữ liệu cá nhân',
    type: 'LAW',
    issuer: NATIONAL_ASSEMBLY,
    effectiveFrom: '2026-01-01',
    shortTitle: 'Luật Bảo vệ dữ liệu cá nhân',
  },
  {
    number: '356/2025/NĐ-CP',
    title: 'Quy định chi tiết một số điều và biện pháp thi hành Luật Bảo vệ dữ liệu cá nhân',
    type: 'DECREE',
    issuer: GOVERNMENT,
    effectiveFrom: '2026-01-01',
    shortTitle: null,
  },
  {
    number: '47/2020/NĐ-CP',
    title: 'Quản lý, kết nối và chia sẻ dữ liệu số của cơ quan nhà nước',
    type: 'DECREE',
    issuer: GOVERNMENT,
    effectiveFrom: '2020-04-09',
    shortTitle: null,
    amendedBy: ['194/2025/NĐ-CP'],
  },
  {
    number: '194/2025/NĐ-CP',
    title: 'Sửa đổi, bổ sung Nghị định 47/2020/NĐ-CP về quản lý, kết nối và chia sẻ dữ liệu số của cơ quan nhà nước',
    type: 'DECREE',
    issuer: GOVERNMENT,
    effectiveFrom: '2025-08-19',
    shortTitle: null,
  },
  { number: '31/2024/QH15', title: 'Luật Đất đai', type: 'LAW', issuer: NATIONAL_ASSEMBLY, effectiveFrom: '2024-08-01', shortTitle: 'Luật Đất đai 2024' },
  {
    number: '101/2024/NĐ-CP',
    title:
      'Quy định về điều tra cơ bản đất đai; đăng ký, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất và hệ thống thông tin đất đai',
    type: 'DECREE',
    issuer: GOVERNMENT,
    effectiveFrom: '2024-08-01',
    shortTitle: null,
  },
  {
    number: '101/2015/QH13',
    title: 'Bộ luật Tố tụng hình sự',
    type: 'CODE',
    issuer: NATIONAL_ASSEMBLY,
    effectiveFrom: '2018-01-01',
    shortTitle: 'Bộ luật Tố tụng hình sự 2015',
  },
  {
    number: '15/2023/QH15',
    title: 'Luật Khám bệnh, chữa bệnh',
    type: 'LAW',
    issuer: NATIONAL_ASSEMBLY,
    effectiveFrom: '2024-01-01',
    shortTitle: 'Luật Khám bệnh, chữa bệnh 2023',
  },
  {
    number: '25/2008/QH12',
    title: 'Luật Bảo hiểm y tế',
    type: 'LAW',
    issuer: NATIONAL_ASSEMBLY,
    effectiveFrom: '2009-07-01',
    shortTitle: 'Luật Bảo hiểm y tế 2008',
    amendedBy: ['51/2024/QH15'],
  },
  {
    number: '51/2024/QH15',
    title: 'Luật sửa đổi, bổ sung một số điều của Luật Bảo hiểm y tế',
    type: 'LAW',
    issuer: NATIONAL_ASSEMBLY,
    effectiveFrom: '2025-07-01',
    shortTitle: null,
  },
  { number: '89/2015/QH13', title: 'Luật Thống kê', type: 'LAW', issuer: NATIONAL_ASSEMBLY, effectiveFrom: '2016-07-01', shortTitle: 'Luật Thống kê 2015' },
  { number: '43/2019/QH14', title: 'Luật Giáo dục', type: 'LAW', issuer: NATIONAL_ASSEMBLY, effectiveFrom: '2020-07-01', shortTitle: 'Luật Giáo dục 2019' },
];

/** Given a text, returns it in one Unicode form and case, so that "Nghị định" typed either way compares equal. */
function normalized(text: string): string {
  return text.normalize('NFC').toLocaleLowerCase('vi');
}

/**
 * Given a grant's legal-basis text, returns the numbers of the seeded instruments it names: by its number, by
 * the number without its suffix ("13/2023" for 13/2023/NĐ-CP, not inside "113/2023"), or by its short title.
 */
export function instrumentsNamedIn(text: string): string[] {
  const haystack = normalized(text);
  return SEED.filter((instrument) => {
    const stem = instrument.number.split('/').slice(0, 2).join('/');
    const byStem = new RegExp(`(^|[^0-9])${stem.replace('/', '\\/')}(?![0-9])`).test(haystack);
    return byStem || (instrument.shortTitle !== null && haystack.includes(normalized(instrument.shortTitle)));
  }).map((instrument) => instrument.number);
}

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('legal_instruments', (table) => {
    // The instrument's number as the gazette writes it: 13/2023/NĐ-CP, 91/2025/QH15.
    table.string('number', 60).primary();
    table.string('title', 500).notNullable();
    // LAW, CODE, RESOLUTION, DECREE, DECISION, CIRCULAR or OTHER.
    table.string('type', 20).notNullable();
    table.string('issuer', 200).notNullable();
    table.string('effective_from', 10).notNullable();
    table.string('short_title', 200).nullable();
    // JSON arrays of the numbers of the entries that replaced or amended this one.
    table.string('replaced_by', 1000).notNullable();
    // The first day the replacement applies: from then on, grants citing this entry need review.
    table.string('replaced_from', 10).nullable();
    table.string('amended_by', 1000).notNullable();
    table.string('created_at', 24).notNullable();
    table.string('updated_at', 24).notNullable();
  });
  const now = new Date().toISOString();
  await db('legal_instruments').insert(
    SEED.map((instrument) => ({
      number: instrument.number,
      title: instrument.title,
      type: instrument.type,
      issuer: instrument.issuer,
      effective_from: instrument.effectiveFrom,
      short_title: instrument.shortTitle,
      replaced_by: JSON.stringify(instrument.replacedBy ?? []),
      replaced_from: instrument.replacedFrom ?? null,
      amended_by: JSON.stringify(instrument.amendedBy ?? []),
      created_at: now,
      updated_at: now,
    })),
  );
  await db.schema.alterTable('grants', (table) => {
    // JSON array of legal_instruments.number, in the order cited.
    table.string('legal_instruments', 1000).nullable();
  });
  const grants = (await db('grants').select('id', 'legal_basis')) as Array<{ id: number; legal_basis: string }>;
  for (const grant of grants) {
    await db('grants')
      .where('id', grant.id)
      .update({ legal_instruments: JSON.stringify(instrumentsNamedIn(grant.legal_basis)) });
  }
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('grants', (table) => {
    table.dropColumn('legal_instruments');
  });
  await db.schema.dropTableIfExists('legal_instruments');
}

import type { Actor } from '../store/types';
import type { StewardRole } from '../store/accountTypes';
import type { Accounts } from './accounts';

const DEMO_ACTOR: Actor = { kind: 'SYSTEM', task: 'demo-seed' };

/**
 * The demo's stewards: one person per role, of the province's data centre (linked to no agency: they see every
 * owner's queue), then a policy steward of each demo owner agency, who answers only the requests on its data.
 */
export const DEMO_ACCOUNTS: ReadonlyArray<{ email: string; name: string; unit: string; role: StewardRole; agencyCode?: string }> = [
  { email: 'chinhsach@demo.thanhhoa.gov.vn', name: 'Lê Thị Chính Sách', unit: 'Trung tâm Dữ liệu tỉnh, phòng Chính sách dữ liệu', role: 'POLICY_STEWARD' },
  { email: 'khoa@demo.thanhhoa.gov.vn', name: 'Trần Văn Khóa', unit: 'Trung tâm Dữ liệu tỉnh, phòng An toàn thông tin', role: 'KEY_OFFICER' },
  { email: 'kiemtra@demo.thanhhoa.gov.vn', name: 'Phạm Thu Kiểm', unit: 'Thanh tra Sở Khoa học và Công nghệ', role: 'AUDITOR' },
  { email: 'quantri@demo.thanhhoa.gov.vn', name: 'Nguyễn Quản Trị', unit: 'Trung tâm Dữ liệu tỉnh', role: 'ADMINISTRATOR' },
  { email: 'congan@demo.thanhhoa.gov.vn', name: 'Đỗ Văn Dân Cư', unit: 'Công an tỉnh, phòng PC06', role: 'POLICY_STEWARD', agencyCode: 'H56.01' },
  { email: 'datdai@demo.thanhhoa.gov.vn', name: 'Vũ Thị Thửa', unit: 'Văn phòng Đăng ký đất đai tỉnh', role: 'POLICY_STEWARD', agencyCode: 'H56.20' },
  { email: 'yte@demo.thanhhoa.gov.vn', name: 'Hoàng Minh Y', unit: 'Bệnh viện Đa khoa tỉnh, phòng Kế hoạch', role: 'POLICY_STEWARD', agencyCode: 'H56.15.01' },
];

/** A demo account made by this run: its password and TOTP secret are known now and never again. */
export interface SeededAccount {
  email: string;
  role: StewardRole;
  /** The owner agency whose queue the account answers; null: every owner's. */
  agencyCode: string | null;
  password: string;
  totpSecret: string;
}

/**
 * Given the accounts and whether this is production (the demo agencies seeded first), creates the demo's accounts that do not exist yet and returns
 * them with their random passwords and TOTP secrets, to be printed once; an account made by an earlier run is left
 * as it is. Refuses in production.
 */
export async function seedDemoAccounts(accounts: Accounts, options: { production: boolean }): Promise<SeededAccount[]> {
  if (options.production) throw new Error('demo accounts are never seeded in production');
  const created: SeededAccount[] = [];
  for (const demo of DEMO_ACCOUNTS) {
    if (await accounts.byEmail(demo.email)) continue;
    const agencyCode = demo.agencyCode ?? null;
    const made = await accounts.create(DEMO_ACTOR, { email: demo.email, name: demo.name, unit: demo.unit, roles: [demo.role], agencyCode });
    created.push({ email: demo.email, role: demo.role, agencyCode, password: made.password!, totpSecret: made.totpSecret! });
  }
  return created;
}

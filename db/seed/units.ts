/**
 * Administrative units of Thanh Hóa (province code 38) for the seed: the province, its 27 former
 * district-level units and 166 current communes and wards, plus a sample of pre-2025 communes, so that the
 * data shows the 2025 reform (district level abolished on 1 July 2025, 547 communes merged into 166).
 *
 * What is real and what is not:
 * - Real: the names and types of the 166 communes and wards, and which former district each comes from,
 *   as set by Resolution 1686/NQ-UBTVQH15 of 16 June 2025 (items 1-145 form 126 communes and 19 wards by
 *   merger, item 146 leaves 21 communes unchanged); the names of the pre-2025 communes below and the unit
 *   each was merged into; the GSO codes 380-407 of the former district-level units; the merger of the
 *   Đông Sơn district into Thanh Hóa city at the start of 2025.
 * - Illustrative, NOT official: every 5-digit code. Current units are numbered 40778-40943 in the
 *   resolution's order (wards first), former communes from 14755; a real deployment loads the GSO list.
 * - Simplified: valid_from of the older units is the placeholder 1975-01-01, not their founding date; every
 *   current unit starts on 2025-07-01, the day the two-level model took effect (even the 21 unchanged
 *   communes changed parent then).
 */
import type { AdministrativeUnitRow } from '../rows';

export const PROVINCE_CODE = '38';
/** The day the communes formed by the 2025 reform took office; the day before, the old units ended. */
export const REFORM_DATE = '2025-07-01';
const LAST_DAY_BEFORE_REFORM = '2025-06-30';
const PLACEHOLDER_START = '1975-01-01';

/** The landscape a commune lies in: it drives ethnicity, land use and village names in the generator. */
export type Terrain = 'URBAN' | 'LOWLAND' | 'MUONG_HIGHLAND' | 'THAI_HIGHLAND' | 'MONG_HIGHLAND';

export interface FormerDistrict {
  code: string;
  name: string;
  unitType: 'thành phố' | 'thị xã' | 'huyện';
  /** Terrain of its rural communes (its wards are URBAN). */
  terrain: Terrain;
  coastal: boolean;
  /** The current commune or ward around the former district seat, where district-level services stay. */
  seat: string | null;
  validTo: string;
  replacedByCode: string | null;
}

export interface Commune {
  code: string;
  name: string;
  unitType: 'xã' | 'phường';
  formerDistrictCode: string;
  terrain: Terrain;
  coastal: boolean;
}

export interface FormerCommune {
  code: string;
  name: string;
  unitType: 'xã' | 'phường' | 'thị trấn';
  formerDistrictCode: string;
  replacedByCode: string;
}

type DistrictEntry = [code: string, name: string, unitType: FormerDistrict['unitType'], terrain: Terrain, coastal: boolean, seat: string | null];

const DISTRICT_ENTRIES: DistrictEntry[] = [
  ['380', 'Thanh Hóa', 'thành phố', 'LOWLAND', false, 'Hạc Thành'],
  ['381', 'Bỉm Sơn', 'thị xã', 'LOWLAND', false, 'Bỉm Sơn'],
  ['382', 'Sầm Sơn', 'thành phố', 'LOWLAND', true, 'Sầm Sơn'],
  ['384', 'Mường Lát', 'huyện', 'MONG_HIGHLAND', false, 'Mường Lát'],
  ['385', 'Quan Hóa', 'huyện', 'THAI_HIGHLAND', false, 'Hồi Xuân'],
  ['386', 'Bá Thước', 'huyện', 'MUONG_HIGHLAND', false, 'Bá Thước'],
  ['387', 'Quan Sơn', 'huyện', 'THAI_HIGHLAND', false, 'Quan Sơn'],
  ['388', 'Lang Chánh', 'huyện', 'THAI_HIGHLAND', false, 'Linh Sơn'],
  ['389', 'Ngọc Lặc', 'huyện', 'MUONG_HIGHLAND', false, 'Ngọc Lặc'],
  ['390', 'Cẩm Thủy', 'huyện', 'MUONG_HIGHLAND', false, 'Cẩm Thủy'],
  ['391', 'Thạch Thành', 'huyện', 'MUONG_HIGHLAND', false, 'Kim Tân'],
  ['392', 'Hà Trung', 'huyện', 'LOWLAND', false, 'Hà Trung'],
  ['393', 'Vĩnh Lộc', 'huyện', 'LOWLAND', false, 'Vĩnh Lộc'],
  ['394', 'Yên Định', 'huyện', 'LOWLAND', false, 'Yên Định'],
  ['395', 'Thọ Xuân', 'huyện', 'LOWLAND', false, 'Thọ Xuân'],
  ['396', 'Thường Xuân', 'huyện', 'THAI_HIGHLAND', false, 'Thường Xuân'],
  ['397', 'Triệu Sơn', 'huyện', 'LOWLAND', false, 'Triệu Sơn'],
  ['398', 'Thiệu Hóa', 'huyện', 'LOWLAND', false, 'Thiệu Hóa'],
  ['399', 'Hoằng Hóa', 'huyện', 'LOWLAND', true, 'Hoằng Hóa'],
  ['400', 'Hậu Lộc', 'huyện', 'LOWLAND', true, 'Hậu Lộc'],
  ['401', 'Nga Sơn', 'huyện', 'LOWLAND', true, 'Nga Sơn'],
  ['402', 'Như Xuân', 'huyện', 'THAI_HIGHLAND', false, 'Như Xuân'],
  ['403', 'Như Thanh', 'huyện', 'MUONG_HIGHLAND', false, 'Như Thanh'],
  ['404', 'Nông Cống', 'huyện', 'LOWLAND', false, 'Nông Cống'],
  // Merged into Thanh Hóa city on 2025-01-01; its area now lies in the wards of the city.
  ['405', 'Đông Sơn', 'huyện', 'LOWLAND', false, null],
  ['406', 'Quảng Xương', 'huyện', 'LOWLAND', true, 'Lưu Vệ'],
  ['407', 'Nghi Sơn', 'thị xã', 'LOWLAND', true, 'Tĩnh Gia'],
];

export const FORMER_DISTRICTS: readonly FormerDistrict[] = DISTRICT_ENTRIES.map(([code, name, unitType, terrain, coastal, seat]) => ({
  code,
  name,
  unitType,
  terrain,
  coastal,
  seat,
  validTo: code === '405' ? '2024-12-31' : LAST_DAY_BEFORE_REFORM,
  replacedByCode: code === '405' ? '380' : null,
}));

type CommuneEntry = [code: string, name: string, unitType: Commune['unitType'], formerDistrictCode: string];

/** The 166 units of Resolution 1686/NQ-UBTVQH15; codes illustrative (see the module comment). */
const COMMUNE_ENTRIES: CommuneEntry[] = [
  // Wards (resolution items 127-145).
  ['40778', 'Hạc Thành', 'phường', '380'],
  ['40779', 'Quảng Phú', 'phường', '380'],
  ['40780', 'Đông Quang', 'phường', '380'],
  ['40781', 'Đông Sơn', 'phường', '380'],
  ['40782', 'Đông Tiến', 'phường', '380'],
  ['40783', 'Hàm Rồng', 'phường', '380'],
  ['40784', 'Nguyệt Viên', 'phường', '380'],
  ['40785', 'Sầm Sơn', 'phường', '382'],
  ['40786', 'Nam Sầm Sơn', 'phường', '382'],
  ['40787', 'Bỉm Sơn', 'phường', '381'],
  ['40788', 'Quang Trung', 'phường', '381'],
  ['40789', 'Ngọc Sơn', 'phường', '407'],
  ['40790', 'Tân Dân', 'phường', '407'],
  ['40791', 'Hải Lĩnh', 'phường', '407'],
  ['40792', 'Tĩnh Gia', 'phường', '407'],
  ['40793', 'Đào Duy Từ', 'phường', '407'],
  ['40794', 'Hải Bình', 'phường', '407'],
  ['40795', 'Trúc Lâm', 'phường', '407'],
  ['40796', 'Nghi Sơn', 'phường', '407'],
  // Communes formed by merger (items 1-126).
  ['40797', 'Các Sơn', 'xã', '407'],
  ['40798', 'Trường Lâm', 'xã', '407'],
  ['40799', 'Hà Trung', 'xã', '392'],
  ['40800', 'Tống Sơn', 'xã', '392'],
  ['40801', 'Hà Long', 'xã', '392'],
  ['40802', 'Hoạt Giang', 'xã', '392'],
  ['40803', 'Lĩnh Toại', 'xã', '392'],
  ['40804', 'Triệu Lộc', 'xã', '400'],
  ['40805', 'Đông Thành', 'xã', '400'],
  ['40806', 'Hậu Lộc', 'xã', '400'],
  ['40807', 'Hoa Lộc', 'xã', '400'],
  ['40808', 'Vạn Lộc', 'xã', '400'],
  ['40809', 'Nga Sơn', 'xã', '401'],
  ['40810', 'Nga Thắng', 'xã', '401'],
  ['40811', 'Hồ Vương', 'xã', '401'],
  ['40812', 'Tân Tiến', 'xã', '401'],
  ['40813', 'Nga An', 'xã', '401'],
  ['40814', 'Ba Đình', 'xã', '401'],
  ['40815', 'Hoằng Hóa', 'xã', '399'],
  ['40816', 'Hoằng Tiến', 'xã', '399'],
  ['40817', 'Hoằng Thanh', 'xã', '399'],
  ['40818', 'Hoằng Lộc', 'xã', '399'],
  ['40819', 'Hoằng Châu', 'xã', '399'],
  ['40820', 'Hoằng Sơn', 'xã', '399'],
  ['40821', 'Hoằng Phú', 'xã', '399'],
  ['40822', 'Hoằng Giang', 'xã', '399'],
  ['40823', 'Lưu Vệ', 'xã', '406'],
  ['40824', 'Quảng Yên', 'xã', '406'],
  ['40825', 'Quảng Ngọc', 'xã', '406'],
  ['40826', 'Quảng Ninh', 'xã', '406'],
  ['40827', 'Quảng Bình', 'xã', '406'],
  ['40828', 'Tiên Trang', 'xã', '406'],
  ['40829', 'Quảng Chính', 'xã', '406'],
  ['40830', 'Nông Cống', 'xã', '404'],
  ['40831', 'Thắng Lợi', 'xã', '404'],
  ['40832', 'Trung Chính', 'xã', '404'],
  ['40833', 'Trường Văn', 'xã', '404'],
  ['40834', 'Thăng Bình', 'xã', '404'],
  ['40835', 'Tượng Lĩnh', 'xã', '404'],
  ['40836', 'Công Chính', 'xã', '404'],
  ['40837', 'Thiệu Hóa', 'xã', '398'],
  ['40838', 'Thiệu Quang', 'xã', '398'],
  ['40839', 'Thiệu Tiến', 'xã', '398'],
  ['40840', 'Thiệu Toán', 'xã', '398'],
  ['40841', 'Thiệu Trung', 'xã', '398'],
  ['40842', 'Yên Định', 'xã', '394'],
  ['40843', 'Yên Trường', 'xã', '394'],
  ['40844', 'Yên Phú', 'xã', '394'],
  ['40845', 'Quý Lộc', 'xã', '394'],
  ['40846', 'Yên Ninh', 'xã', '394'],
  ['40847', 'Định Tân', 'xã', '394'],
  ['40848', 'Định Hòa', 'xã', '394'],
  ['40849', 'Thọ Xuân', 'xã', '395'],
  ['40850', 'Thọ Long', 'xã', '395'],
  ['40851', 'Xuân Hòa', 'xã', '395'],
  ['40852', 'Sao Vàng', 'xã', '395'],
  ['40853', 'Lam Sơn', 'xã', '395'],
  ['40854', 'Thọ Lập', 'xã', '395'],
  ['40855', 'Xuân Tín', 'xã', '395'],
  ['40856', 'Xuân Lập', 'xã', '395'],
  ['40857', 'Vĩnh Lộc', 'xã', '393'],
  ['40858', 'Tây Đô', 'xã', '393'],
  ['40859', 'Biện Thượng', 'xã', '393'],
  ['40860', 'Triệu Sơn', 'xã', '397'],
  ['40861', 'Thọ Bình', 'xã', '397'],
  ['40862', 'Thọ Ngọc', 'xã', '397'],
  ['40863', 'Thọ Phú', 'xã', '397'],
  ['40864', 'Hợp Tiến', 'xã', '397'],
  ['40865', 'An Nông', 'xã', '397'],
  ['40866', 'Tân Ninh', 'xã', '397'],
  ['40867', 'Đồng Tiến', 'xã', '397'],
  ['40868', 'Hồi Xuân', 'xã', '385'],
  ['40869', 'Nam Xuân', 'xã', '385'],
  ['40870', 'Thiên Phủ', 'xã', '385'],
  ['40871', 'Hiền Kiệt', 'xã', '385'],
  ['40872', 'Phú Lệ', 'xã', '385'],
  ['40873', 'Trung Thành', 'xã', '385'],
  ['40874', 'Tam Lư', 'xã', '387'],
  ['40875', 'Quan Sơn', 'xã', '387'],
  ['40876', 'Trung Hạ', 'xã', '387'],
  ['40877', 'Linh Sơn', 'xã', '388'],
  ['40878', 'Đồng Lương', 'xã', '388'],
  ['40879', 'Văn Phú', 'xã', '388'],
  ['40880', 'Giao An', 'xã', '388'],
  ['40881', 'Bá Thước', 'xã', '386'],
  ['40882', 'Thiết Ống', 'xã', '386'],
  ['40883', 'Văn Nho', 'xã', '386'],
  ['40884', 'Điền Quang', 'xã', '386'],
  ['40885', 'Điền Lư', 'xã', '386'],
  ['40886', 'Quý Lương', 'xã', '386'],
  ['40887', 'Cổ Lũng', 'xã', '386'],
  ['40888', 'Pù Luông', 'xã', '386'],
  ['40889', 'Ngọc Lặc', 'xã', '389'],
  ['40890', 'Thạch Lập', 'xã', '389'],
  ['40891', 'Ngọc Liên', 'xã', '389'],
  ['40892', 'Minh Sơn', 'xã', '389'],
  ['40893', 'Nguyệt Ấn', 'xã', '389'],
  ['40894', 'Kiên Thọ', 'xã', '389'],
  ['40895', 'Cẩm Thạch', 'xã', '390'],
  ['40896', 'Cẩm Thủy', 'xã', '390'],
  ['40897', 'Cẩm Tú', 'xã', '390'],
  ['40898', 'Cẩm Vân', 'xã', '390'],
  ['40899', 'Cẩm Tân', 'xã', '390'],
  ['40900', 'Kim Tân', 'xã', '391'],
  ['40901', 'Vân Du', 'xã', '391'],
  ['40902', 'Ngọc Trạo', 'xã', '391'],
  ['40903', 'Thạch Bình', 'xã', '391'],
  ['40904', 'Thành Vinh', 'xã', '391'],
  ['40905', 'Thạch Quảng', 'xã', '391'],
  ['40906', 'Như Xuân', 'xã', '402'],
  ['40907', 'Thượng Ninh', 'xã', '402'],
  ['40908', 'Xuân Bình', 'xã', '402'],
  ['40909', 'Hóa Quỳ', 'xã', '402'],
  ['40910', 'Thanh Phong', 'xã', '402'],
  ['40911', 'Thanh Quân', 'xã', '402'],
  ['40912', 'Xuân Du', 'xã', '403'],
  ['40913', 'Mậu Lâm', 'xã', '403'],
  ['40914', 'Như Thanh', 'xã', '403'],
  ['40915', 'Yên Thọ', 'xã', '403'],
  ['40916', 'Thanh Kỳ', 'xã', '403'],
  ['40917', 'Thường Xuân', 'xã', '396'],
  ['40918', 'Luận Thành', 'xã', '396'],
  ['40919', 'Tân Thành', 'xã', '396'],
  ['40920', 'Thắng Lộc', 'xã', '396'],
  ['40921', 'Xuân Chinh', 'xã', '396'],
  ['40922', 'Mường Lát', 'xã', '384'],
  // Communes left as they were (item 146).
  ['40923', 'Phú Xuân', 'xã', '385'],
  ['40924', 'Trung Sơn', 'xã', '385'],
  ['40925', 'Mường Chanh', 'xã', '384'],
  ['40926', 'Quang Chiểu', 'xã', '384'],
  ['40927', 'Tam Chung', 'xã', '384'],
  ['40928', 'Pù Nhi', 'xã', '384'],
  ['40929', 'Nhi Sơn', 'xã', '384'],
  ['40930', 'Mường Lý', 'xã', '384'],
  ['40931', 'Trung Lý', 'xã', '384'],
  ['40932', 'Na Mèo', 'xã', '387'],
  ['40933', 'Sơn Thủy', 'xã', '387'],
  ['40934', 'Sơn Điện', 'xã', '387'],
  ['40935', 'Mường Mìn', 'xã', '387'],
  ['40936', 'Tam Thanh', 'xã', '387'],
  ['40937', 'Yên Khương', 'xã', '388'],
  ['40938', 'Yên Thắng', 'xã', '388'],
  ['40939', 'Xuân Thái', 'xã', '403'],
  ['40940', 'Bát Mọt', 'xã', '396'],
  ['40941', 'Yên Nhân', 'xã', '396'],
  ['40942', 'Lương Sơn', 'xã', '396'],
  ['40943', 'Vạn Xuân', 'xã', '396'],
];

const districtByCode = new Map(FORMER_DISTRICTS.map((district) => [district.code, district]));

export const COMMUNES: readonly Commune[] = COMMUNE_ENTRIES.map(([code, name, unitType, formerDistrictCode]) => {
  const district = districtByCode.get(formerDistrictCode)!;
  return { code, name, unitType, formerDistrictCode, terrain: unitType === 'phường' ? 'URBAN' : district.terrain, coastal: district.coastal };
});

const communeByName = new Map(COMMUNES.map((commune) => [commune.name, commune]));

/** Given the name of a current commune or ward (names are unique in the province), returns it. */
export function communeNamed(name: string): Commune {
  const commune = communeByName.get(name);
  if (!commune) throw new Error(`no current commune or ward of Thanh Hóa is named ${name}`);
  return commune;
}

type FormerCommuneEntry = [code: string, name: string, unitType: FormerCommune['unitType'], formerDistrictCode: string, mergedInto: string];

/** A sample of the 547 pre-2025 units, each merged whole into the named current unit. */
const FORMER_COMMUNE_ENTRIES: FormerCommuneEntry[] = [
  ['14755', 'Điện Biên', 'phường', '380', 'Hạc Thành'],
  ['14756', 'Trường Thi', 'phường', '380', 'Hạc Thành'],
  ['14757', 'Lam Sơn', 'phường', '380', 'Hạc Thành'],
  ['14758', 'Ba Đình', 'phường', '380', 'Hạc Thành'],
  ['14759', 'Quảng Thắng', 'phường', '380', 'Đông Quang'],
  ['14760', 'Tào Xuyên', 'phường', '380', 'Nguyệt Viên'],
  ['14761', 'Rừng Thông', 'phường', '380', 'Đông Sơn'],
  ['14762', 'Bắc Sơn', 'phường', '381', 'Quang Trung'],
  ['14763', 'Trung Sơn', 'phường', '382', 'Sầm Sơn'],
  ['14764', 'Mường Lát', 'thị trấn', '384', 'Mường Lát'],
  ['14765', 'Hồi Xuân', 'thị trấn', '385', 'Hồi Xuân'],
  ['14766', 'Cành Nàng', 'thị trấn', '386', 'Bá Thước'],
  ['14767', 'Lang Chánh', 'thị trấn', '388', 'Linh Sơn'],
  ['14768', 'Trí Nang', 'xã', '388', 'Linh Sơn'],
  ['14769', 'Ngọc Lặc', 'thị trấn', '389', 'Ngọc Lặc'],
  ['14770', 'Phong Sơn', 'thị trấn', '390', 'Cẩm Thủy'],
  ['14771', 'Kim Tân', 'thị trấn', '391', 'Kim Tân'],
  ['14772', 'Hà Lĩnh', 'thị trấn', '392', 'Tống Sơn'],
  ['14773', 'Vĩnh Lộc', 'thị trấn', '393', 'Vĩnh Lộc'],
  ['14774', 'Quán Lào', 'thị trấn', '394', 'Yên Định'],
  ['14775', 'Lam Sơn', 'thị trấn', '395', 'Lam Sơn'],
  ['14776', 'Sao Vàng', 'thị trấn', '395', 'Sao Vàng'],
  ['14777', 'Thường Xuân', 'thị trấn', '396', 'Thường Xuân'],
  ['14778', 'Triệu Sơn', 'thị trấn', '397', 'Triệu Sơn'],
  ['14779', 'Hậu Hiền', 'thị trấn', '398', 'Thiệu Toán'],
  ['14780', 'Bút Sơn', 'thị trấn', '399', 'Hoằng Hóa'],
  ['14781', 'Hoằng Đức', 'xã', '399', 'Hoằng Hóa'],
  ['14782', 'Hậu Lộc', 'thị trấn', '400', 'Hậu Lộc'],
  ['14783', 'Nga Sơn', 'thị trấn', '401', 'Nga Sơn'],
  ['14784', 'Yên Cát', 'thị trấn', '402', 'Như Xuân'],
  ['14785', 'Bến Sung', 'thị trấn', '403', 'Như Thanh'],
  ['14786', 'Nông Cống', 'thị trấn', '404', 'Nông Cống'],
  ['14787', 'Tân Phong', 'thị trấn', '406', 'Lưu Vệ'],
  ['14788', 'Hải Hòa', 'phường', '407', 'Tĩnh Gia'],
];

export const FORMER_COMMUNES: readonly FormerCommune[] = FORMER_COMMUNE_ENTRIES.map(([code, name, unitType, formerDistrictCode, mergedInto]) => ({
  code,
  name,
  unitType,
  formerDistrictCode,
  replacedByCode: communeNamed(mergedInto).code,
}));

/**
 * Returns the rows of administrative_units, parents before children and replacements before the units they
 * replace, so that a plain insert in this order satisfies both foreign keys.
 */
export function administrativeUnitRows(): AdministrativeUnitRow[] {
  const province: AdministrativeUnitRow = {
    code: PROVINCE_CODE,
    name: 'Thanh Hóa',
    level: 'PROVINCE',
    unit_type: 'tỉnh',
    parent_code: null,
    valid_from: PLACEHOLDER_START,
    valid_to: null,
    replaced_by_code: null,
  };
  const districts = FORMER_DISTRICTS.map((district): AdministrativeUnitRow => ({
    code: district.code,
    name: district.name,
    level: 'DISTRICT',
    unit_type: district.unitType,
    parent_code: PROVINCE_CODE,
    valid_from: PLACEHOLDER_START,
    valid_to: district.validTo,
    replaced_by_code: district.replacedByCode,
  }));
  // The city (380) replaces Đông Sơn (405), so it must come first.
  districts.sort((a, b) => Number(a.replaced_by_code !== null) - Number(b.replaced_by_code !== null));
  const communes = COMMUNES.map((commune): AdministrativeUnitRow => ({
    code: commune.code,
    name: commune.name,
    level: 'COMMUNE',
    unit_type: commune.unitType,
    parent_code: PROVINCE_CODE,
    valid_from: REFORM_DATE,
    valid_to: null,
    replaced_by_code: null,
  }));
  const formerCommunes = FORMER_COMMUNES.map((commune): AdministrativeUnitRow => ({
    code: commune.code,
    name: commune.name,
    level: 'COMMUNE',
    unit_type: commune.unitType,
    parent_code: commune.formerDistrictCode,
    valid_from: PLACEHOLDER_START,
    valid_to: LAST_DAY_BEFORE_REFORM,
    replaced_by_code: commune.replacedByCode,
  }));
  return [province, ...districts, ...communes, ...formerCommunes];
}

/**
 * Where simulated devices stand. Places follow the two-level local government in force since
 * July 2025 (province → ward/commune, no districts; see shared/domain/STANDARDS.md). Names are
 * plausible for demos and tests, not an official registry: real deployments load their own
 * device inventory.
 */
export type RiverCondition = 'clean' | 'silty' | 'urban';

export interface Place {
  /** ASCII part of topic-safe ids, e.g. `kimma-lieugiai`. */
  slug: string;
  /** Vietnamese name shown to operators. */
  name: string;
  /** Ward or commune with its "Phường"/"Xã" prefix. */
  ward: string;
}

export interface RiverPlace extends Place {
  /** Urban canals carry sewage; big rivers carry silt; lakes and upland rivers are clean. */
  condition: RiverCondition;
}

export interface ReservoirPlace extends Place {
  /** Normal water level (mực nước dâng bình thường), metres above sea level. */
  normalLevel: number;
  surfaceKm2: number;
  catchmentKm2: number;
}

export interface Province {
  name: string;
  /** Other spellings accepted by `--province`. */
  aliases: string[];
  /** Vehicle plate prefixes registered in the province, for camera violation events. */
  platePrefixes: string[];
  /** Chance that a rain event starts in a given 6-hour block, January first: the local monsoon. */
  rainChanceByMonth: number[];
  /** Wards hosting air stations and lighting cabinets, busiest first. */
  wards: string[];
  rivers: RiverPlace[];
  dischargers: Place[];
  intersections: Place[];
  publicSpaces: Place[];
  reservoirs: ReservoirPlace[];
}

const HA_NOI: Province = {
  name: 'Hà Nội',
  aliases: ['ha noi', 'hanoi', 'ha-noi'],
  platePrefixes: ['29', '30', '31', '32', '33', '40'],
  // Northern monsoon: wet May–September, dry winters.
  rainChanceByMonth: [0.03, 0.04, 0.06, 0.08, 0.13, 0.16, 0.17, 0.18, 0.13, 0.08, 0.04, 0.02],
  wards: [
    'Phường Hoàn Kiếm',
    'Phường Ba Đình',
    'Phường Đống Đa',
    'Phường Cầu Giấy',
    'Phường Hai Bà Trưng',
    'Phường Thanh Xuân',
    'Phường Hoàng Mai',
    'Phường Tây Hồ',
    'Phường Long Biên',
    'Phường Hà Đông',
    'Phường Cửa Nam',
    'Phường Láng',
    'Phường Nghĩa Đô',
    'Phường Bồ Đề',
    'Phường Từ Liêm',
    'Phường Xuân Đỉnh',
    'Phường Sơn Tây',
    'Xã Đông Anh',
    'Xã Gia Lâm',
    'Xã Sóc Sơn',
  ],
  rivers: [
    { slug: 'tolich', name: 'Sông Tô Lịch', ward: 'Phường Cầu Giấy', condition: 'urban' },
    { slug: 'songhong', name: 'Sông Hồng', ward: 'Phường Hồng Hà', condition: 'silty' },
    { slug: 'hotay', name: 'Hồ Tây', ward: 'Phường Tây Hồ', condition: 'clean' },
    { slug: 'kimnguu', name: 'Sông Kim Ngưu', ward: 'Phường Vĩnh Tuy', condition: 'urban' },
    { slug: 'nhue', name: 'Sông Nhuệ', ward: 'Phường Hà Đông', condition: 'urban' },
    { slug: 'duong', name: 'Sông Đuống', ward: 'Xã Phù Đổng', condition: 'silty' },
    { slug: 'day', name: 'Sông Đáy', ward: 'Xã Đan Phượng', condition: 'clean' },
    { slug: 'caubay', name: 'Sông Cầu Bây', ward: 'Phường Long Biên', condition: 'urban' },
    { slug: 'calo', name: 'Sông Cà Lồ', ward: 'Xã Sóc Sơn', condition: 'clean' },
    { slug: 'tich', name: 'Sông Tích', ward: 'Phường Sơn Tây', condition: 'clean' },
  ],
  dischargers: [
    { slug: 'kcn-thanglong', name: 'KCN Thăng Long', ward: 'Xã Thiên Lộc' },
    { slug: 'xlnt-yenso', name: 'Nhà máy xử lý nước thải Yên Sở', ward: 'Phường Yên Sở' },
    { slug: 'kcn-quangminh', name: 'KCN Quang Minh', ward: 'Xã Quang Minh' },
    { slug: 'kcn-noibai', name: 'KCN Nội Bài', ward: 'Xã Nội Bài' },
    { slug: 'kcn-phunghia', name: 'KCN Phú Nghĩa', ward: 'Xã Phú Nghĩa' },
  ],
  intersections: [
    { slug: 'kimma-lieugiai', name: 'Nút giao Kim Mã – Liễu Giai', ward: 'Phường Ngọc Hà' },
    { slug: 'ngatuso', name: 'Ngã Tư Sở', ward: 'Phường Thanh Xuân' },
    { slug: 'ngatuvong', name: 'Ngã Tư Vọng', ward: 'Phường Bạch Mai' },
    { slug: 'caugiay-xuanthuy', name: 'Nút giao Cầu Giấy – Xuân Thủy', ward: 'Phường Cầu Giấy' },
    { slug: 'kimlien-daoduyanh', name: 'Ngã tư Kim Liên – Đào Duy Anh', ward: 'Phường Kim Liên' },
    { slug: 'ochodua-xadan', name: 'Nút giao Ô Chợ Dừa – Xã Đàn', ward: 'Phường Ô Chợ Dừa' },
    { slug: 'nguyentrai-khuatduytien', name: 'Nút giao Nguyễn Trãi – Khuất Duy Tiến', ward: 'Phường Thanh Xuân' },
    { slug: 'tranduyhung-phamhung', name: 'Nút giao Trần Duy Hưng – Phạm Hùng', ward: 'Phường Yên Hòa' },
    { slug: 'phapvan', name: 'Nút giao Pháp Vân', ward: 'Phường Hoàng Liệt' },
    { slug: 'hangbai-trangtien', name: 'Ngã tư Hàng Bài – Tràng Tiền', ward: 'Phường Hoàn Kiếm' },
    { slug: 'giaiphong-kimdong', name: 'Nút giao Giải Phóng – Kim Đồng', ward: 'Phường Tương Mai' },
    { slug: 'nguyenvancu-ngoclam', name: 'Nút giao Nguyễn Văn Cừ – Ngọc Lâm', ward: 'Phường Bồ Đề' },
    { slug: 'hotungmau-phamvandong', name: 'Nút giao Hồ Tùng Mậu – Phạm Văn Đồng', ward: 'Phường Phú Diễn' },
    { slug: 'quangtrung-tohieu', name: 'Nút giao Quang Trung – Tô Hiệu', ward: 'Phường Hà Đông' },
    { slug: 'langha-thaiha', name: 'Ngã tư Láng Hạ – Thái Hà', ward: 'Phường Láng' },
    { slug: 'tranhungdao-leduan', name: 'Ngã tư Trần Hưng Đạo – Lê Duẩn', ward: 'Phường Cửa Nam' },
    { slug: 'minhkhai-vinhtuy', name: 'Nút giao Minh Khai – Vĩnh Tuy', ward: 'Phường Vĩnh Tuy' },
    { slug: 'thanglong-vanhdai3', name: 'Nút giao Đại lộ Thăng Long – Vành đai 3', ward: 'Phường Đại Mỗ' },
    { slug: 'vinhtuy-nguyenvanlinh', name: 'Nút giao cầu Vĩnh Tuy – Nguyễn Văn Linh', ward: 'Phường Long Biên' },
    { slug: 'vandien', name: 'Ngã tư Văn Điển', ward: 'Phường Thanh Liệt' },
  ],
  publicSpaces: [
    { slug: 'hoguom', name: 'Phố đi bộ Hồ Gươm', ward: 'Phường Hoàn Kiếm' },
    { slug: 'quangtruong-badinh', name: 'Quảng trường Ba Đình', ward: 'Phường Ba Đình' },
    { slug: 'ga-hanoi', name: 'Ga Hà Nội', ward: 'Phường Cửa Nam' },
    { slug: 'benxe-mydinh', name: 'Bến xe Mỹ Đình', ward: 'Phường Từ Liêm' },
    { slug: 'cho-dongxuan', name: 'Chợ Đồng Xuân', ward: 'Phường Hoàn Kiếm' },
    { slug: 'congvien-thongnhat', name: 'Công viên Thống Nhất', ward: 'Phường Hai Bà Trưng' },
    { slug: 'vanmieu', name: 'Văn Miếu – Quốc Tử Giám', ward: 'Phường Văn Miếu - Quốc Tử Giám' },
    { slug: 'benxe-giapbat', name: 'Bến xe Giáp Bát', ward: 'Phường Hoàng Mai' },
  ],
  reservoirs: [
    { slug: 'suoihai', name: 'Hồ Suối Hai', ward: 'Xã Suối Hai', normalLevel: 30.5, surfaceKm2: 8.2, catchmentKm2: 75 },
    { slug: 'dongmo', name: 'Hồ Đồng Mô', ward: 'Phường Tùng Thiện', normalLevel: 18.9, surfaceKm2: 13, catchmentKm2: 88 },
    { slug: 'xuankhanh', name: 'Hồ Xuân Khanh', ward: 'Phường Tùng Thiện', normalLevel: 22.4, surfaceKm2: 1.1, catchmentKm2: 12 },
    { slug: 'dongquan', name: 'Hồ Đồng Quan', ward: 'Xã Sóc Sơn', normalLevel: 16.2, surfaceKm2: 1.9, catchmentKm2: 19 },
    { slug: 'quanson', name: 'Hồ Quan Sơn', ward: 'Xã Hương Sơn', normalLevel: 6.9, surfaceKm2: 8.5, catchmentKm2: 62 },
    { slug: 'vanson', name: 'Hồ Văn Sơn', ward: 'Xã Trần Phú', normalLevel: 12.6, surfaceKm2: 1.4, catchmentKm2: 15 },
  ],
};

const DA_NANG: Province = {
  name: 'Đà Nẵng',
  aliases: ['da nang', 'danang', 'da-nang'],
  platePrefixes: ['43', '92'],
  // Central coast: the rains come September–December.
  rainChanceByMonth: [0.08, 0.04, 0.03, 0.03, 0.05, 0.05, 0.05, 0.06, 0.14, 0.22, 0.22, 0.14],
  wards: [
    'Phường Hải Châu',
    'Phường Thanh Khê',
    'Phường Hòa Cường',
    'Phường Sơn Trà',
    'Phường An Hải',
    'Phường Ngũ Hành Sơn',
    'Phường Cẩm Lệ',
    'Phường Liên Chiểu',
    'Phường Hòa Khánh',
    'Phường An Khê',
    'Phường Hải Vân',
    'Phường Hòa Xuân',
    'Phường Hội An',
    'Phường Tam Kỳ',
    'Phường Điện Bàn',
    'Xã Hòa Vang',
    'Xã Hòa Tiến',
    'Xã Bà Nà',
  ],
  rivers: [
    { slug: 'han', name: 'Sông Hàn', ward: 'Phường Hải Châu', condition: 'clean' },
    { slug: 'phuloc', name: 'Sông Phú Lộc', ward: 'Phường Thanh Khê', condition: 'urban' },
    { slug: 'camle', name: 'Sông Cẩm Lệ', ward: 'Phường Cẩm Lệ', condition: 'silty' },
    { slug: 'cude', name: 'Sông Cu Đê', ward: 'Phường Hải Vân', condition: 'clean' },
    { slug: 'thubon', name: 'Sông Thu Bồn', ward: 'Phường Hội An', condition: 'silty' },
    { slug: 'bautram', name: 'Hồ Bàu Tràm', ward: 'Phường Liên Chiểu', condition: 'clean' },
  ],
  dischargers: [
    { slug: 'kcn-hoakhanh', name: 'KCN Hòa Khánh', ward: 'Phường Hòa Khánh' },
    { slug: 'kcn-hoacam', name: 'KCN Hòa Cầm', ward: 'Phường Cẩm Lệ' },
    { slug: 'kcn-lienchieu', name: 'KCN Liên Chiểu', ward: 'Phường Liên Chiểu' },
    { slug: 'kcn-diennam', name: 'KCN Điện Nam – Điện Ngọc', ward: 'Phường Điện Bàn' },
  ],
  intersections: [
    { slug: 'ngabahue', name: 'Ngã ba Huế', ward: 'Phường An Khê' },
    { slug: 'dienbienphu-nguyentriphuong', name: 'Nút giao Điện Biên Phủ – Nguyễn Tri Phương', ward: 'Phường Thanh Khê' },
    { slug: 'caurong-tranhungdao', name: 'Nút giao Cầu Rồng – Trần Hưng Đạo', ward: 'Phường An Hải' },
    { slug: 'nguyenvanlinh-nguyentriphuong', name: 'Nút giao Nguyễn Văn Linh – Nguyễn Tri Phương', ward: 'Phường Hòa Cường' },
    { slug: 'hungvuong-leduan', name: 'Ngã tư Hùng Vương – Lê Duẩn', ward: 'Phường Hải Châu' },
    { slug: 'hoaxuan', name: 'Nút giao Hòa Xuân', ward: 'Phường Hòa Xuân' },
    { slug: 'tonducthang-nguyenluongbang', name: 'Nút giao Tôn Đức Thắng – Nguyễn Lương Bằng', ward: 'Phường Hòa Khánh' },
    { slug: 'ngoquyen-vovankiet', name: 'Nút giao Ngô Quyền – Võ Văn Kiệt', ward: 'Phường Sơn Trà' },
  ],
  publicSpaces: [
    { slug: 'caurong', name: 'Cầu Rồng', ward: 'Phường An Hải' },
    { slug: 'bien-mykhe', name: 'Bãi biển Mỹ Khê', ward: 'Phường Sơn Trà' },
    { slug: 'cho-han', name: 'Chợ Hàn', ward: 'Phường Hải Châu' },
    { slug: 'phoco-hoian', name: 'Phố cổ Hội An', ward: 'Phường Hội An' },
  ],
  reservoirs: [
    { slug: 'hoatrung', name: 'Hồ Hòa Trung', ward: 'Xã Hòa Vang', normalLevel: 31.5, surfaceKm2: 1.6, catchmentKm2: 20 },
    { slug: 'dongnghe', name: 'Hồ Đồng Nghệ', ward: 'Xã Hòa Tiến', normalLevel: 34, surfaceKm2: 2.6, catchmentKm2: 29 },
    { slug: 'phuninh', name: 'Hồ Phú Ninh', ward: 'Phường Tam Kỳ', normalLevel: 32, surfaceKm2: 34, catchmentKm2: 235 },
    { slug: 'khetan', name: 'Hồ Khe Tân', ward: 'Xã Bà Nà', normalLevel: 23.2, surfaceKm2: 3.6, catchmentKm2: 40 },
  ],
};

export const PROVINCES: readonly Province[] = [HA_NOI, DA_NANG];
export const DEFAULT_PROVINCE = HA_NOI.name;

/** Finds a province by name, ignoring case and diacritics ("Hà Nội", "ha noi", "hanoi"). */
export function findProvince(name: string): Province | undefined {
  const wanted = foldText(name);
  return PROVINCES.find((p) => foldText(p.name) === wanted || p.aliases.some((a) => foldText(a) === wanted));
}

/** "Phường Ba Đình" → "badinh": the ward part of a topic-safe id. */
export function wardSlug(ward: string): string {
  return foldText(ward.replace(/^(Phường|Xã)\s+/, '')).replace(/[^a-z0-9]/g, '');
}

function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .trim();
}

import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUS_TOPICS, acknowledgeAlert, type Alert, type Reading } from '../../contracts/src/index.js';
import { launchChromium } from '../../test-support/chromium.js';
import { makeAlert, makeReading } from '../test/support/fixtures.js';
import { OPERATOR, startTestDashboard } from '../test/support/test-dashboard.js';

/**
 * Renders docs/dashboard.png (1440x900): a dashboard on an in-process bus with a handful of
 * realistic alerts and stations, logged in through the page like an operator.
 *   npx tsx dashboard/scripts/screenshot.ts
 */
const OUTPUT = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/dashboard.png');
const minutesAgo = (minutes: number) => Date.now() - minutes * 60_000;

const voltage = makeAlert({
  ruleId: 'lighting-voltage-high', deviceId: 'cg-cab-07', domain: 'lighting', siteId: 'HN-LC-CG07', ward: 'Phường Cầu Giấy',
  metric: 'voltage', openedAt: minutesAgo(26), value: 262, severity: 'critical',
  message: { vi: 'Điện áp tủ chiếu sáng 262 V vượt ngưỡng 253 V', en: 'Lighting cabinet voltage 262 V is above 253 V' },
});
const alerts: Alert[] = [
  makeAlert({
    ruleId: 'wq-do-min', deviceId: 'tl-sw-02', siteId: 'HN-SW-TL02', ward: 'Phường Tây Hồ', metric: 'dissolvedOxygen',
    openedAt: minutesAgo(41), value: 3.1, severity: 'warning',
    message: { vi: 'Oxy hòa tan 3,1 mg/L thấp hơn ngưỡng 4 mg/L (QCVN 08:2023, mức B)', en: 'Dissolved oxygen 3.1 mg/L is below 4 mg/L (QCVN 08:2023, level B)' },
  }),
  voltage,
  acknowledgeAlert(voltage, 'lan.nguyen', minutesAgo(20), 'Đã báo đội điện lực Cầu Giấy kiểm tra tủ, dự kiến có mặt trong 15 phút.'),
  makeAlert({
    ruleId: 'traffic-occupancy', deviceId: 'km-tc-12', domain: 'traffic', siteId: 'HN-TC-KM12', ward: 'Phường Giảng Võ',
    metric: 'occupancy', openedAt: minutesAgo(12), value: 86, severity: 'warning',
    message: { vi: 'Độ chiếm dụng làn 86%: nguy cơ ùn tắc tại nút Kim Mã – Nguyễn Thái Học', en: 'Lane occupancy 86%: congestion building at Kim Ma – Nguyen Thai Hoc' },
  }),
  makeAlert({
    ruleId: 'reservoir-level-alarm-1', deviceId: 'hb-res-01', domain: 'reservoir', siteId: 'HB-RES-01', ward: 'Xã Hòa Bình',
    metric: 'waterLevel', openedAt: minutesAgo(7), value: 115.2, severity: 'warning',
    message: { vi: 'Mực nước hồ 115,2 m vượt mức báo động I (115 m)', en: 'Reservoir level 115.2 m is above alarm level I (115 m)' },
  }),
];
const arriving = makeAlert({
  ruleId: 'pm25-1h', deviceId: 'hk-air-01', siteId: 'HN-AIR-HK01', ward: 'Phường Hoàn Kiếm', metric: 'pm25',
  openedAt: minutesAgo(0.3), value: 182.4, severity: 'critical',
  message: { vi: 'Bụi PM2.5 trung bình 1 giờ 182,4 µg/m³ vượt ngưỡng nguy hại 150 µg/m³', en: '1-hour PM2.5 182.4 µg/m³ is above the critical limit 150 µg/m³' },
});

const readings: Reading[] = [
  makeReading({ siteId: 'HN-AIR-HK01', deviceId: 'hk-air-01', ward: 'Phường Hoàn Kiếm', metrics: { pm25: 182.4, pm10: 231, no2: 61.2, noise: 71.5 } }),
  makeReading({ siteId: 'HN-AIR-CG02', deviceId: 'cg-air-02', ward: 'Phường Cầu Giấy', metrics: { pm25: 38.6, pm10: 55.1, o3: 84 } }),
  makeReading({ siteId: 'HN-SW-TL02', deviceId: 'tl-sw-02', kind: 'surface-water-station', ward: 'Phường Tây Hồ', metrics: { dissolvedOxygen: 3.1, ph: 7.4, cod: 18.2 } }),
  makeReading({ siteId: 'HN-TC-KM12', deviceId: 'km-tc-12', domain: 'traffic', kind: 'traffic-counter', ward: 'Phường Giảng Võ', metrics: { vehicleCount: 412, meanSpeed: 14.5, occupancy: 86 } }),
  makeReading({ siteId: 'HN-TC-LTK03', deviceId: 'ltk-tc-03', domain: 'traffic', kind: 'traffic-counter', ward: 'Phường Hai Bà Trưng', metrics: { vehicleCount: 268, meanSpeed: 31.2, occupancy: 41 } }),
  makeReading({ siteId: 'HB-RES-01', deviceId: 'hb-res-01', domain: 'reservoir', kind: 'reservoir-station', ward: 'Xã Hòa Bình', metrics: { waterLevel: 115.2, inflow: 5230, gateOpening: 35 } }),
  makeReading({ siteId: 'HB-RG-04', deviceId: 'hb-rg-04', domain: 'reservoir', kind: 'rain-gauge', ward: 'Xã Đà Bắc', metrics: { rainfall: 42.5 } }),
  makeReading({ siteId: 'HN-LC-CG07', deviceId: 'cg-cab-07', domain: 'lighting', kind: 'lighting-cabinet', ward: 'Phường Cầu Giấy', powerState: 'on', metrics: { voltage: 262, current: 18.4, power: 4180 } }),
  makeReading({ siteId: 'HN-LC-HK02', deviceId: 'hk-cab-02', domain: 'lighting', kind: 'lighting-cabinet', ward: 'Phường Hoàn Kiếm', powerState: 'on', metrics: { voltage: 228, current: 12.1, power: 2710, dimming: 80 } }),
];

const test = await startTestDashboard();
const browser = await launchChromium();
try {
  await test.bus.publish(BUS_TOPICS.alerts, alerts.map((value) => ({ key: value.key, value })));
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  await page.goto(test.url);
  await page.fill('input[name=username]', OPERATOR.username);
  await page.fill('input[name=password]', OPERATOR.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('.connection[data-state=live]');
  await test.bus.publish(BUS_TOPICS.telemetry, readings.map((value) => ({ key: value.deviceId, value })));
  await test.bus.publish(BUS_TOPICS.alerts, [{ key: arriving.key, value: arriving }]);
  await page.waitForSelector(`[data-alert-id="${arriving.id}"]`);
  await page.waitForSelector('[data-site-id="HB-RG-04"]');
  await mkdir(dirname(OUTPUT), { recursive: true });
  await page.screenshot({ path: OUTPUT });
  console.log(`wrote ${OUTPUT}`);
} finally {
  await browser.close();
  await test.close();
}

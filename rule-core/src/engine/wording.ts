import { METRICS, type BilingualText, type MetricName } from '../../../contracts/src/index.js';
import type { DevicePlace } from './rule-kind.js';

/** Shared wording of alert messages, so every kind names places, values and levels the same way. */

/** Units that read better left out after the number ("pH 9.2", "VN_AQI 160" rather than "9.2 pH", "160 index"). */
const UNITLESS = new Set(['pH', 'count', 'index']);

/** Two decimals at most, no trailing zeros: 182, 7.25, 0.31. */
export function formatNumber(value: number): string {
  return String(Math.round(value * 100) / 100);
}

export function formatQuantity(metric: MetricName, value: number): string {
  const unit = METRICS[metric].unit;
  return UNITLESS.has(unit) ? formatNumber(value) : `${formatNumber(value)} ${unit}`;
}

/** "tại trạm HN-01 (Phường Ba Đình)" / "at station HN-01 (Phường Ba Đình)", naming the device when it is not the station itself. */
export function placeText(place: DevicePlace): BilingualText {
  const device = place.deviceId === place.siteId;
  return {
    vi: `tại trạm ${place.siteId} (${place.ward})${device ? '' : `, thiết bị ${place.deviceId},`}`,
    en: `at station ${place.siteId} (${place.ward})${device ? '' : `, device ${place.deviceId},`}`,
  };
}

export const LEVEL_LIMIT_TEXT = {
  1: { vi: 'ngưỡng cảnh báo', en: 'warning limit' },
  2: { vi: 'ngưỡng nguy hiểm', en: 'critical limit' },
} as const;

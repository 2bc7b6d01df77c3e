import type { Alert } from '../../../contracts/src/index.js';

/**
 * Text for searching: lower-cased and without Vietnamese diacritics, so "hoan kiem" finds
 * "Phường Hoàn Kiếm". The same folding is applied to the query.
 */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase();
}

/** What an alert's text search looks through: ids, place, metric, messages and operators' comments. */
export function alertSearchText(alert: Alert): string {
  const parts = [
    alert.id,
    alert.ruleSetId ?? '',
    alert.ruleId,
    alert.deviceId,
    alert.siteId,
    alert.ward,
    alert.metric ?? '',
    alert.message.vi,
    alert.message.en,
    alert.acknowledgeComment ?? '',
    alert.resolveComment ?? '',
  ];
  return foldText(parts.filter(Boolean).join('\n'));
}

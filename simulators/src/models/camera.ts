import type { CameraEventType } from '../../../contracts/src/index.js';
import { localTime } from '../../../contracts/src/index.js';
import { trafficLevel } from '../patterns.js';
import type { Rng } from '../random.js';
import type { CameraBody, CameraModel } from './model.js';

const APPROACHES = ['hướng Bắc', 'hướng Nam', 'hướng Đông', 'hướng Tây'];
const PLATE_SERIES = 'ABCDEFGHKLMNPSTUVXYZ';

/**
 * An AI camera publishing one detection per reading. Intersection cameras report congestion at
 * rush hour and red-light or wrong-way violations (with the plate when they read it); cameras on
 * squares, stations and markets report crowds in the evening and intrusions at night.
 */
export function cameraModel(rng: Rng, deviceId: string, watches: 'intersection' | 'public-space', platePrefixes: readonly string[]): CameraModel {
  return {
    channel: 'event',
    read(time) {
      const t = localTime(time);
      const traffic = trafficLevel(t);
      const night = t.hour >= 22 || t.hour < 5;
      const evening = t.hour >= 17 && t.hour < 22;
      const weights: Partial<Record<CameraEventType, number>> =
        watches === 'intersection'
          ? { congestion: 2 * Math.max(0.02, traffic - 0.55), 'red-light-violation': 0.5 + 0.3 * traffic, 'wrong-way-violation': 0.12 + 0.1 * traffic }
          : { crowd: 0.2 + (evening ? 1 : 0) + (t.weekend ? 0.5 : 0), intrusion: night ? 0.6 : 0.05, congestion: 0.05 };
      const eventType = rng.weighted(weights);
      const body: CameraBody = {
        eventId: `${deviceId}-${time}`,
        eventType,
        // Detectors report mostly confident detections, with a tail near their cut-off.
        confidence: Math.round((0.55 + 0.44 * (1 - rng.next() ** 2)) * 100) / 100,
        count: countFor(eventType, traffic, rng),
        zone: zoneFor(eventType, rng),
      };
      if ((eventType === 'red-light-violation' || eventType === 'wrong-way-violation') && rng.chance(0.8)) {
        body.plate = plate(rng, platePrefixes);
      }
      return body;
    },
  };
}

function countFor(type: CameraEventType, traffic: number, rng: Rng): number {
  switch (type) {
    case 'congestion':
      return Math.round(20 + 100 * traffic * rng.next());
    case 'crowd':
      return Math.round(30 + 250 * rng.next() ** 2);
    case 'intrusion':
      return rng.int(1, 3);
    case 'red-light-violation':
      return rng.chance(0.8) ? 1 : rng.int(2, 4);
    case 'wrong-way-violation':
      return rng.chance(0.9) ? 1 : 2;
  }
}

function zoneFor(type: CameraEventType, rng: Rng): string {
  switch (type) {
    case 'red-light-violation':
      return `Vạch dừng ${rng.pick(APPROACHES)}`;
    case 'wrong-way-violation':
    case 'congestion':
      return `Làn ${rng.pick(APPROACHES)}`;
    case 'crowd':
      return rng.pick(['Khu vực trung tâm', 'Lối vào chính', 'Khu vực chờ']);
    case 'intrusion':
      return rng.pick(['Khu vực hạn chế', 'Hàng rào phía sau', 'Kho kỹ thuật']);
  }
}

/** Vietnamese plate formats: cars "30A-123.45", motorbikes "29-B1 234.56". */
function plate(rng: Rng, prefixes: readonly string[]): string {
  const prefix = rng.pick(prefixes);
  const series = rng.pick([...PLATE_SERIES]);
  const number = `${rng.int(100, 999)}.${String(rng.int(0, 99)).padStart(2, '0')}`;
  return rng.chance(0.6) ? `${prefix}-${series}${rng.int(1, 9)} ${number}` : `${prefix}${series}-${number}`;
}

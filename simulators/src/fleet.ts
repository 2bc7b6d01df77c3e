import { z } from 'zod';
import { DOMAIN_OF_KIND, type DeviceKind, type Domain } from '../../contracts/src/index.js';
import { wardSlug, type Place, type Province, type ReservoirPlace, type RiverCondition } from './provinces.js';

const count = (fallback: number) => z.number().int().min(0).max(100_000).default(fallback);

/** How many devices of each kind to simulate. */
export const FleetSizesSchema = z.strictObject({
  air: count(20),
  water: count(8),
  wastewater: count(4),
  counters: count(40),
  cameras: count(60),
  reservoirs: count(6),
  rainGauges: count(10),
  lamps: count(200),
  cabinets: count(20),
});
export type FleetSizes = z.infer<typeof FleetSizesSchema>;

/** Facts about a device's site that its value model needs. */
export type SiteTraits =
  | { type: 'air-station'; suburban: boolean }
  | { type: 'river'; condition: RiverCondition }
  | { type: 'discharger' }
  | { type: 'intersection' }
  | { type: 'camera'; watches: 'intersection' | 'public-space'; platePrefixes: string[] }
  | { type: 'reservoir'; normalLevel: number; surfaceKm2: number; catchmentKm2: number; rainChanceByMonth: number[] }
  | { type: 'lighting-circuit' };

/** One simulated device: who it is and where it stands. Values come from its DeviceSimulator. */
export interface DeviceSpec {
  deviceId: string;
  kind: DeviceKind;
  domain: Domain;
  siteId: string;
  siteName: string;
  ward: string;
  site: SiteTraits;
}

/**
 * Lays out a fleet over a province's places. The layout depends only on sizes and province, so
 * device ids (`air-hoankiem-01`, `cnt-ngatuso-02`) stay the same across seeds and runs; the seed
 * decides each device's character and readings. When a kind outnumbers its places, devices are
 * spread round-robin and numbered per place.
 */
export function createFleet(sizes: FleetSizes, province: Province): DeviceSpec[] {
  const wardPlaces = province.wards.map((ward) => ({ slug: wardSlug(ward), name: ward.replace(/^(Phường|Xã)\s+/, ''), ward }));
  const publicCameras = Math.floor(sizes.cameras / 3);
  const circuits = sizes.cabinets > 0 ? sizes.cabinets : Math.ceil(sizes.lamps / 10);
  const circuitPlaces = spread(wardPlaces, circuits, (place, n) => ({ ...place, slug: `${place.slug}-${pad(n, 2)}`, name: `${place.name} ${pad(n, 2)}` }));
  const platePrefixes = province.platePrefixes;
  const basins = province.reservoirs.slice(0, Math.max(1, Math.min(sizes.reservoirs, province.reservoirs.length)));

  return [
    ...spread(wardPlaces, sizes.air, (place, n) => {
      const id = `air-${place.slug}-${pad(n, 2)}`;
      const suburban = place.ward.startsWith('Xã');
      return device(id, 'air-station', id, `Trạm quan trắc không khí ${place.name}${suffix(n)}`, place.ward, { type: 'air-station', suburban });
    }),
    ...spread(province.rivers, sizes.water, (river, n) => {
      const id = `sw-${river.slug}-${pad(n, 2)}`;
      return device(id, 'surface-water-station', id, `Trạm quan trắc nước mặt ${river.name}${suffix(n)}`, river.ward, {
        type: 'river',
        condition: river.condition,
      });
    }),
    ...spread(province.dischargers, sizes.wastewater, (plant, n) => {
      const id = `ww-${plant.slug}-${pad(n, 2)}`;
      return device(id, 'wastewater-station', id, `Trạm quan trắc nước thải ${plant.name}${suffix(n)}`, plant.ward, { type: 'discharger' });
    }),
    ...spread(province.intersections, sizes.counters, (place, n) =>
      device(`cnt-${place.slug}-${pad(n, 2)}`, 'traffic-counter', place.slug, place.name, place.ward, { type: 'intersection' }),
    ),
    ...spread(province.intersections, sizes.cameras - publicCameras, (place, n) =>
      device(`cam-${place.slug}-${pad(n, 2)}`, 'camera', place.slug, place.name, place.ward, { type: 'camera', watches: 'intersection', platePrefixes }),
    ),
    ...spread(province.publicSpaces, publicCameras, (place, n) =>
      device(`cam-${place.slug}-${pad(n, 2)}`, 'camera', place.slug, place.name, place.ward, { type: 'camera', watches: 'public-space', platePrefixes }),
    ),
    ...spread(province.reservoirs, sizes.reservoirs, (lake, n) => reservoirDevice(`res-${lake.slug}-${pad(n, 2)}`, 'reservoir-station', lake, province)),
    ...spread(basins, sizes.rainGauges, (lake, n) => reservoirDevice(`rain-${lake.slug}-${pad(n, 2)}`, 'rain-gauge', lake, province)),
    ...spread(circuitPlaces, sizes.lamps, (circuit, n) =>
      device(`lamp-${circuit.slug}-${pad(n, 3)}`, 'lamp', `cab-${circuit.slug}`, `Tủ điện chiếu sáng ${circuit.name}`, circuit.ward, {
        type: 'lighting-circuit',
      }),
    ),
    ...circuitPlaces
      .slice(0, sizes.cabinets)
      .map((circuit) =>
        device(`cab-${circuit.slug}`, 'lighting-cabinet', `cab-${circuit.slug}`, `Tủ điện chiếu sáng ${circuit.name}`, circuit.ward, {
          type: 'lighting-circuit',
        }),
      ),
  ];
}

function device(deviceId: string, kind: DeviceKind, siteId: string, siteName: string, ward: string, site: SiteTraits): DeviceSpec {
  return { deviceId, kind, domain: DOMAIN_OF_KIND[kind], siteId, siteName, ward, site };
}

function reservoirDevice(deviceId: string, kind: 'reservoir-station' | 'rain-gauge', lake: ReservoirPlace, province: Province): DeviceSpec {
  return device(deviceId, kind, `ho-${lake.slug}`, lake.name, lake.ward, {
    type: 'reservoir',
    normalLevel: lake.normalLevel,
    surfaceKm2: lake.surfaceKm2,
    catchmentKm2: lake.catchmentKm2,
    rainChanceByMonth: province.rainChanceByMonth,
  });
}

/** Assigns `total` devices to places round-robin; `n` numbers the devices of one place from 1. */
function spread<P extends Place, T>(places: readonly P[], total: number, make: (place: P, n: number) => T): T[] {
  return Array.from({ length: total }, (_, i) => make(places[i % places.length], Math.floor(i / places.length) + 1));
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function suffix(n: number): string {
  return n > 1 ? ` (${n})` : '';
}

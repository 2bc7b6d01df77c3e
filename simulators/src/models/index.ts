import type { DeviceSpec } from '../fleet.js';
import type { Rng } from '../random.js';
import { airStationModel } from './air.js';
import { cameraModel } from './camera.js';
import { cabinetModel, lampModel } from './lighting.js';
import type { DeviceModel } from './model.js';
import { rainGaugeModel, reservoirStationModel } from './reservoir.js';
import { trafficCounterModel } from './traffic.js';
import { surfaceWaterModel, wastewaterModel } from './water.js';

export type { CameraBody, DeviceModel, TelemetryBody } from './model.js';

/** Picks the value model for a device from its kind and site. */
export function createModel(spec: DeviceSpec, rng: Rng, seed: number, lampFaultRate: number): DeviceModel {
  const site = spec.site;
  switch (site.type) {
    case 'air-station':
      return airStationModel(rng, site.suburban);
    case 'river':
      return surfaceWaterModel(rng, site.condition);
    case 'discharger':
      return wastewaterModel(rng);
    case 'intersection':
      return trafficCounterModel(rng);
    case 'camera':
      return cameraModel(rng, spec.deviceId, site.watches, site.platePrefixes);
    case 'reservoir': {
      const reservoir = { ...site, basinId: spec.siteId };
      return spec.kind === 'rain-gauge' ? rainGaugeModel(rng, seed, reservoir) : reservoirStationModel(rng, seed, reservoir);
    }
    case 'lighting-circuit':
      return spec.kind === 'lamp' ? lampModel(rng, lampFaultRate) : cabinetModel(rng);
  }
}

import type { CameraEventPayload, TelemetryPayload } from '../../../contracts/src/index.js';
import type { Values } from '../metric-traits.js';

type LightingPayload = Extract<TelemetryPayload, { kind: 'lamp' | 'lighting-cabinet' }>;

/** What a telemetry model measures; the device simulator adds the envelope (id, ward, ts, seq). */
export interface TelemetryBody {
  values: Values;
  /** Traffic counters: the counting period the vehicle count covers. */
  intervalSeconds?: number;
  /** Lighting: FIWARE power state and the controller's fault flags. */
  powerState?: LightingPayload['powerState'];
  faults?: LightingPayload['faults'];
}

export type CameraBody = Pick<CameraEventPayload, 'eventId' | 'eventType' | 'confidence' | 'count' | 'zone' | 'plate'>;

/**
 * A device's physics. `read` is called once per reading, in time order, with the simulated
 * seconds since the previous reading; models keep their own state (a reservoir's level, a
 * pollutant's slow wander) between calls.
 */
export interface TelemetryModel {
  channel: 'telemetry';
  read(time: number, elapsedSeconds: number): TelemetryBody;
}

export interface CameraModel {
  channel: 'event';
  read(time: number): CameraBody;
}

export type DeviceModel = TelemetryModel | CameraModel;

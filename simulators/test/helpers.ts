import { CameraEventPayloadSchema, TelemetryPayloadSchema, parseDeviceTopic } from '../../contracts/src/index.js';
import type { SimMessage } from '../src/device-simulator.js';
import type { FleetSizes } from '../src/fleet.js';
import type { SimulationPlan } from '../src/plan.js';

export const NO_FAULTS = { spike: 0, drift: 0, stuck: 0, silent: 0, malformed: 0, invalid: 0 };
export const NO_DEVICES: FleetSizes = { air: 0, water: 0, wastewater: 0, counters: 0, cameras: 0, reservoirs: 0, rainGauges: 0, lamps: 0, cabinets: 0 };

/** Epoch ms of a wall-clock time in Việt Nam (UTC+7). */
export function atLocal(date: string, hour: number, minute = 0): number {
  return Date.parse(`${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+07:00`);
}

/** The plan's first `slots` reading slots, silent ones dropped. */
export function messages(plan: SimulationPlan, slots: number): SimMessage[] {
  const out: SimMessage[] = [];
  const it = plan.slots();
  for (let i = 0; i < slots; i++) {
    const { message } = it.next().value;
    if (message) out.push(message);
  }
  return out;
}

export function body(message: SimMessage): Record<string, any> {
  return JSON.parse(message.payload);
}

/** What ingest checks: JSON, the contract schema of the channel, and the device id agreeing with the topic. */
export function validate(topic: string, payload: string): { ok: true } | { ok: false; why: string } {
  const parsedTopic = parseDeviceTopic(topic);
  if (!parsedTopic) return { ok: false, why: 'topic' };
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { ok: false, why: 'not JSON' };
  }
  const schema = parsedTopic.channel === 'event' ? CameraEventPayloadSchema : TelemetryPayloadSchema;
  const result = schema.safeParse(json);
  if (!result.success) return { ok: false, why: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  if (result.data.deviceId !== parsedTopic.deviceId) return { ok: false, why: 'deviceId differs from topic' };
  return { ok: true };
}

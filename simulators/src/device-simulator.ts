import { deviceTopic, type DeviceKind, type MqttChannel } from '../../contracts/src/index.js';
import { FaultInjector, type FaultKind, type FaultRates, type Rendered } from './faults.js';
import type { DeviceSpec } from './fleet.js';
import { createModel, type DeviceModel } from './models/index.js';
import { Rng } from './random.js';
import { applyEpisode, episodeStrength, type ActiveScenario } from './scenario.js';

/** One MQTT message a simulated device sends. */
export interface SimMessage {
  topic: string;
  /** What goes on the wire: JSON, or for malformed faults whatever the device garbled. */
  payload: string;
  deviceId: string;
  kind: DeviceKind;
  channel: MqttChannel;
  /** Simulated time of the reading, epoch ms. */
  ts: number;
  seq: number;
  /** Faults injected into this message; empty for a clean reading. */
  faults: FaultKind[];
  /** Which malformation or contract violation, for malformed and invalid messages. */
  detail?: Rendered['detail'];
}

export interface SimulatorSettings {
  seed: number;
  faults: FaultRates;
  /** Chance per reading that a lamp develops an equipment fault. */
  lampFaultRate: number;
  /** Simulated seconds between readings, used for the first reading's counting period. */
  nominalPeriodSeconds: number;
  scenario?: ActiveScenario;
}

/**
 * A simulated device: its value model, its fault state and its sequence counter. Pure apart from
 * its own state: the same spec, settings and times give the same messages.
 */
export class DeviceSimulator {
  private readonly model: DeviceModel;
  private readonly valueRng: Rng;
  private readonly injector: FaultInjector;
  private seq = 0;
  private lastTime: number | undefined;

  constructor(
    readonly spec: DeviceSpec,
    private readonly settings: SimulatorSettings,
  ) {
    this.valueRng = new Rng(settings.seed, 'values', spec.deviceId);
    this.injector = new FaultInjector(new Rng(settings.seed, 'faults', spec.deviceId), settings.faults);
    this.model = createModel(spec, this.valueRng, settings.seed, settings.lampFaultRate);
  }

  /** The device's reading at simulated time `time` (after its previous one); null while it is silent. */
  next(time: number): SimMessage | null {
    const elapsed = this.lastTime === undefined ? this.settings.nominalPeriodSeconds : (time - this.lastTime) / 1000;
    this.lastTime = time;
    const { spec } = this;
    const scenario = this.settings.scenario;
    const strength = scenario && scenario.deviceId === spec.deviceId ? episodeStrength(scenario, time) : null;
    const faultsAllowed = strength === null;

    // The physics keeps running while the device is silent, so it comes back with current values.
    const model = this.model;
    const body = model.channel === 'telemetry' ? model.read(time, elapsed) : model.read(time);
    if (faultsAllowed && this.injector.silent()) return null;

    const faults: FaultKind[] = [];
    if ('values' in body) {
      let values = strength === null ? body.values : applyEpisode(body.values, strength, this.valueRng);
      if (faultsAllowed) {
        const distorted = this.injector.distort(values);
        values = distorted.values;
        faults.push(...distorted.faults);
      }
      body.values = values;
    }

    const seq = this.seq++;
    const ts = Math.round(time);
    const payload = { deviceId: spec.deviceId, kind: spec.kind, ward: spec.ward, ts, seq, ...body };
    const rendered: Rendered = faultsAllowed ? this.injector.render(payload, model.channel) : { text: JSON.stringify(payload) };
    if (rendered.fault) faults.push(rendered.fault);
    return {
      topic: deviceTopic(spec.domain, spec.siteId, spec.deviceId, model.channel),
      payload: rendered.text,
      deviceId: spec.deviceId,
      kind: spec.kind,
      channel: model.channel,
      ts,
      seq,
      faults,
      ...(rendered.detail ? { detail: rendered.detail } : {}),
    };
  }
}

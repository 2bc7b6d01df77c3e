import { connectAsync } from 'mqtt';
import { deviceTopic } from '../../../contracts/src/index.js';

export interface AirStation {
  deviceId: string;
  siteId: string;
  ward: string;
}

export interface AirReading {
  ts: number;
  seq: number;
  pm25: number;
}

/** Publishes an air station's readings at QoS 1 with the given device login; resolves once the broker acknowledged each. */
export async function publishAirReadings(mqttUrl: string, password: string, station: AirStation, readings: readonly AirReading[]): Promise<void> {
  const device = await connectAsync(mqttUrl, { username: 'device', password, clientId: `test-${station.deviceId}-${Date.now()}`, reconnectPeriod: 0 });
  try {
    for (const { ts, seq, pm25 } of readings) {
      const payload = { deviceId: station.deviceId, kind: 'air-station', ward: station.ward, ts, seq, values: { pm25 } };
      await device.publishAsync(deviceTopic('environment', station.siteId, station.deviceId, 'telemetry'), JSON.stringify(payload), { qos: 1 });
    }
  } finally {
    await device.endAsync();
  }
}

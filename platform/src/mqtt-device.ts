import { connectAsync, type MqttClient } from 'mqtt';
import { platformError } from './errors.js';

/** CONNACK codes that mean the account, not the broker, is the problem: MQTT 3.1.1 (4, 5) and 5 (134, 135). */
const LOGIN_REFUSED = new Set([4, 5, 134, 135]);

/** A device account on a broker. */
export interface DeviceAccount {
  url: string;
  username?: string;
  password?: string;
}

/**
 * Connects as a device (the simulators, the replay) once: a wrong URL or refused credentials
 * fail here with a coded error (IOC_MQTT_LOGIN_REFUSED or IOC_MQTT_UNREACHABLE) instead of
 * retrying forever. After this first connection mqtt.js reconnects by itself and keeps
 * unacknowledged QoS 1 messages meanwhile. `clientName` prefixes the client id.
 */
export async function connectDevice(account: DeviceAccount, clientName: string): Promise<MqttClient> {
  try {
    return await connectAsync(
      account.url,
      {
        username: account.username,
        password: account.password,
        clientId: `${clientName}-${process.pid}-${Date.now().toString(36)}`,
        reconnectPeriod: 2000,
        connectTimeout: 10_000,
      },
      false,
    );
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code;
    throw platformError(typeof code === 'number' && LOGIN_REFUSED.has(code) ? 'IOC_MQTT_LOGIN_REFUSED' : 'IOC_MQTT_UNREACHABLE', [account.url, why], { cause: error });
  }
}

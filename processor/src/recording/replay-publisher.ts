import { connectAsync, type MqttClient } from 'mqtt';
import { iocError } from '../../../platform/src/errors.js';
import type { ReplayPublisher } from './replay.js';

/** CONNACK codes that mean the account, not the broker, is the problem: MQTT 3.1.1 (4, 5) and 5 (134, 135). */
const LOGIN_REFUSED = new Set([4, 5, 134, 135]);

export interface BrokerAccount {
  url: string;
  username?: string;
  password?: string;
}

/**
 * The replay's one MQTT connection, a device's: publishes at QoS 1 and resolves each message on
 * its PUBACK. After the first connection mqtt.js reconnects by itself and keeps unacknowledged
 * messages meanwhile.
 */
export class MqttReplayPublisher implements ReplayPublisher {
  private constructor(private readonly client: MqttClient) {}

  /** Connects once: a wrong URL or refused credentials fail here, clearly, instead of retrying forever. */
  static async connect(account: BrokerAccount): Promise<MqttReplayPublisher> {
    try {
      const client = await connectAsync(
        account.url,
        {
          username: account.username,
          password: account.password,
          clientId: `ioc-replay-${process.pid}-${Date.now().toString(36)}`,
          reconnectPeriod: 2000,
          connectTimeout: 10_000,
        },
        false,
      );
      return new MqttReplayPublisher(client);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      const code = (error as { code?: unknown }).code;
      throw iocError(typeof code === 'number' && LOGIN_REFUSED.has(code) ? 'IOC_REPLAY_LOGIN_REFUSED' : 'IOC_MQTT_UNREACHABLE', [account.url, why]);
    }
  }

  async publish(topic: string, payload: string): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1 });
  }

  /** Disconnects; `force` abandons messages still awaiting their PUBACK. */
  async close(force = false): Promise<void> {
    await this.client.endAsync(force);
  }
}

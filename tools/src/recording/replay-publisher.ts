import type { MqttClient } from 'mqtt';
import { connectDevice, type DeviceAccount } from '../../../platform/src/index.js';
import type { ReplayPublisher } from './replay.js';

/**
 * The replay's one MQTT connection, a device's: publishes at QoS 1 and resolves each message on
 * its PUBACK. After the first connection mqtt.js reconnects by itself and keeps unacknowledged
 * messages meanwhile.
 */
export class MqttReplayPublisher implements ReplayPublisher {
  private constructor(private readonly client: MqttClient) {}

  /** Connects once: a wrong URL or refused credentials fail here, clearly, instead of retrying forever. */
  static async connect(account: DeviceAccount): Promise<MqttReplayPublisher> {
    return new MqttReplayPublisher(await connectDevice(account, 'ioc-replay'));
  }

  async publish(topic: string, payload: string): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1 });
  }

  /** Disconnects; `force` abandons messages still awaiting their PUBACK. */
  async close(force = false): Promise<void> {
    await this.client.endAsync(force);
  }
}

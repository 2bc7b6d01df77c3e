import type { MqttClient } from 'mqtt';
import { connectDevice, type DeviceAccount } from '../../platform/src/index.js';

/**
 * The simulator's only contact with the network: one MQTT connection publishing at QoS 1. After
 * the first connection mqtt.js reconnects by itself and holds unacknowledged messages meanwhile.
 */
export class MqttPublisher {
  private unacknowledged = 0;

  private constructor(private readonly client: MqttClient) {}

  /** Connects once; a wrong URL or refused credentials fail here with a clear error instead of retrying forever. */
  static async connect(account: DeviceAccount): Promise<MqttPublisher> {
    return new MqttPublisher(await connectDevice(account, 'ioc-simulator'));
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Messages handed to the client and not yet acknowledged. */
  get inFlight(): number {
    return this.unacknowledged;
  }

  /** Resolves when the broker acknowledges the message (PUBACK). */
  async publish(topic: string, payload: string): Promise<void> {
    this.unacknowledged++;
    try {
      await this.client.publishAsync(topic, payload, { qos: 1 });
    } finally {
      this.unacknowledged--;
    }
  }

  /** Disconnects cleanly; messages still unacknowledged at this point are abandoned. */
  async close(): Promise<void> {
    await this.client.endAsync(this.unacknowledged > 0);
  }
}

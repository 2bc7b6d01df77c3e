import { connectAsync, type MqttClient } from 'mqtt';
import { iocError } from '../../platform/src/errors.js';

export interface PublisherOptions {
  url: string;
  username?: string;
  password?: string;
}

/**
 * The simulator's only contact with the network: one MQTT connection publishing at QoS 1. After
 * the first connection mqtt.js reconnects by itself and holds unacknowledged messages meanwhile.
 */
export class MqttPublisher {
  private unacknowledged = 0;

  private constructor(private readonly client: MqttClient) {}

  /** Connects once; a wrong URL or refused credentials fail here with a clear error instead of retrying forever. */
  static async connect(options: PublisherOptions): Promise<MqttPublisher> {
    try {
      const client = await connectAsync(
        options.url,
        {
          username: options.username,
          password: options.password,
          clientId: `ioc-simulator-${process.pid}-${Date.now().toString(36)}`,
          reconnectPeriod: 2000,
          connectTimeout: 10_000,
        },
        false,
      );
      return new MqttPublisher(client);
    } catch (error) {
      throw iocError('IOC_MQTT_UNREACHABLE', [options.url, error instanceof Error ? error.message : String(error)]);
    }
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

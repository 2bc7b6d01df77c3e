import type { IPublishPacket, MqttClient } from 'mqtt';
import type { Ack } from './batcher.js';

/**
 * mqtt.js sends the PUBACK of a QoS 1 message when `handleMessage` calls back, and reads the next
 * packet only after that. Holding that callback until the bus has the message would move one
 * message per bus round trip and make batching impossible. So the callback is called with an
 * error as soon as the message is taken in — mqtt.js then sends no PUBACK (its way of leaving a
 * message to the broker) and reads on — and `ack()` writes the PUBACK later, once the bus holds
 * the message. Batches are acknowledged in arrival order, the order MQTT 3.1.1 requires.
 *
 * `receive` resolves when the next message may be read; until then the client reads nothing,
 * which pushes back on the broker.
 */
export function receiveWithLateAcks(client: MqttClient, receive: (packet: IPublishPacket, ack: Ack) => Promise<void>): void {
  client.handleMessage = (packet, callback) => {
    const ack = packet.qos === 1 && packet.messageId !== undefined ? pubackWriter(client, packet.messageId) : noAck;
    receive(packet, ack).then(() => callback(LEFT_UNACKNOWLEDGED));
  };
}

const LEFT_UNACKNOWLEDGED = new Error('acknowledged once the bus holds the message');

function noAck(): void {}

function pubackWriter(client: MqttClient, messageId: number): Ack {
  const connection = client.stream;
  return () => {
    // A PUBACK belongs to the connection that delivered the message. After a reconnect the broker
    // delivers the message again (persistent session) and that copy is acknowledged instead.
    if (client.stream === connection && client.connected) connection.write(puback(messageId));
  };
}

/**
 * PUBACK: type 4 with no flags, remaining length 2, packet identifier (MQTT 3.1.1 §3.4). The
 * same four bytes are a valid MQTT 5 PUBACK with reason "success" (MQTT 5 §3.4.2.1).
 */
function puback(messageId: number): Buffer {
  return Buffer.from([0x40, 0x02, messageId >> 8, messageId & 0xff]);
}

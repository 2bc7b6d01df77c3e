/**
 * Right after a topic is created, or while partition leadership moves, a KRaft broker answers
 * UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE or NOT_LEADER_FOR_PARTITION for a while. kafkajs
 * marks these `retriable` but its admin calls give up on them, so admin calls that may meet a
 * settling cluster go through here: retried every 100 ms until `timeoutMs`, then the last error.
 */
export async function whileKafkaSettles<T>(call: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if ((error as { retriable?: boolean }).retriable !== true || Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

import { z } from 'zod';

/**
 * A device message ingest refused, or a bus record no consumer could read. Nothing is dropped silently: the raw payload travels with
 * the exact reason, so the device owner can fix the firmware and an engineer can replay it.
 */
export const DeadLetterSchema = z.strictObject({
  /** `mqtt`: a device message ingest refused; `bus`: a bus record no consumer could read. */
  source: z.enum(['mqtt', 'bus']),
  /** The MQTT topic, or the bus topic with `[partition]@offset`. */
  topic: z.string(),
  receivedAt: z.number().int(),
  /** Stable code (see platform/src/errors.ts), e.g. IOC_INVALID_PAYLOAD. */
  code: z.string(),
  reason: z.string(),
  /** Issues as zod reports them: path to the field at fault and what was wrong. */
  issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).default([]),
  /**
   * The payload as received, or only its first bytes when it was large (`payloadBytes` then says
   * how large it was); base64 when it was not valid UTF-8.
   */
  payload: z.string(),
  payloadEncoding: z.enum(['utf8', 'base64']),
  /** The payload's full size in bytes, present when `payload` holds only its first bytes. */
  payloadBytes: z.number().int().nonnegative().optional(),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;

/**
 * The bus record of a dead letter, keyed by where it came from. Code and reason are repeated in
 * headers so operators' tools (kafka-console-consumer, Kafka UIs) can filter without decoding.
 */
export function deadLetterRecord(letter: DeadLetter) {
  return {
    key: letter.topic,
    value: letter,
    headers: { 'ioc-error-code': letter.code, 'ioc-reason': letter.reason, 'ioc-source': letter.source },
  };
}

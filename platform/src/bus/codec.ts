import type { BusTopic, BusValue } from '../../../contracts/src/index.js';

/**
 * Bus values travel as JSON, the contract schemas being the format, on Kafka and on the embedded
 * bus alike: a consumer gets its own copy, never the publisher's object. Consumers parse and do
 * not validate again: every producer is our own code publishing typed values, and validating each
 * reading twice would cost the CPU the processor needs.
 */
export function encodeValue<T extends BusTopic>(value: BusValue<T>): string {
  return JSON.stringify(value);
}

/** Throws a SyntaxError when the text is not JSON. */
export function decodeValue<T extends BusTopic>(text: string): BusValue<T> {
  return JSON.parse(text) as BusValue<T>;
}

import { Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Logger } from '../../logger.js';

export interface KafkaConnection {
  /** `host:port` of one or more brokers; the client discovers the rest. */
  brokers: string[];
  clientId: string;
  ssl?: boolean;
  sasl?: SASLOptions;
}

/**
 * kafkajs logs through pino: one log format for the whole process. kafkajs logs every error
 * response and every retried attempt at ERROR, including the transient "not the leader" of a
 * topic just created; those are retried, so they are warnings. What finally fails reaches our
 * code as an exception and is logged there.
 */
function pinoLogCreator(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _name, ...extra } = log;
      const child = { kafkajs: namespace, ...extra };
      const retried = namespace === 'Connection' || 'retryCount' in extra;
      if (level === logLevel.ERROR && !retried) logger.error(child, message);
      else if (level === logLevel.ERROR || level === logLevel.WARN) logger.warn(child, message);
      else if (level === logLevel.INFO) logger.info(child, message);
      else logger.debug(child, message);
    };
}

export function createKafkaClient(connection: KafkaConnection, logger: Logger): Kafka {
  return new Kafka({
    brokers: connection.brokers,
    clientId: connection.clientId,
    ssl: connection.ssl,
    sasl: connection.sasl,
    // kafkajs narrates joins and fetches at INFO; its warnings and errors are what operators need.
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger),
  });
}

export * from './bus.js';
export { InProcessBus, type InProcessBusOptions } from './in-process-bus.js';
export { KafkaBus, type KafkaBusOptions } from './kafka/kafka-bus.js';
export { kafkaGroupId } from './kafka/subscription.js';
export { DEFAULT_TOPIC_SETTINGS, ensureTopics, topicPolicies, topicSpecs, type TopicSettings } from './kafka/topics.js';
export { BusConfigSchema, createBus, type BusConfig, type CreateBusOptions } from './create-bus.js';
export { createBusMetrics, type BusMetrics } from './metrics.js';

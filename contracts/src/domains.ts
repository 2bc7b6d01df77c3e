import { z } from 'zod';

/** The four device domains the IOC watches. Cameras belong to traffic but speak their own event payload. */
export const DomainSchema = z.enum(['environment', 'traffic', 'reservoir', 'lighting']);
export type Domain = z.infer<typeof DomainSchema>;
export const DOMAINS = DomainSchema.options;

/**
 * Device kinds per domain. The kind decides which payload schema applies and which metrics a
 * reading may carry.
 */
export const DeviceKindSchema = z.enum([
  'air-station',
  'surface-water-station',
  'wastewater-station',
  'traffic-counter',
  'camera',
  'reservoir-station',
  'rain-gauge',
  'lamp',
  'lighting-cabinet',
]);
export type DeviceKind = z.infer<typeof DeviceKindSchema>;

export const DOMAIN_OF_KIND: Record<DeviceKind, Domain> = {
  'air-station': 'environment',
  'surface-water-station': 'environment',
  'wastewater-station': 'environment',
  'traffic-counter': 'traffic',
  camera: 'traffic',
  'reservoir-station': 'reservoir',
  'rain-gauge': 'reservoir',
  lamp: 'lighting',
  'lighting-cabinet': 'lighting',
};

/** Identifiers travel in MQTT topics and Kafka keys, so they are restricted to a topic-safe alphabet. */
export const IdentifierSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-" (no spaces, "/", "+" or "#")');

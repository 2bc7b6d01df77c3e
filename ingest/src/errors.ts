import { defineErrors, type ErrorDefinition } from '../../platform/src/index.js';

/** The coded errors of ingest; see platform's defineErrors. */
export const INGEST_ERRORS = {
  IOC_TOPIC_UNKNOWN: { status: 400, message: (topic, why) => `Topic "${topic}" does not follow ioc/{domain}/{siteId}/{deviceId}/telemetry|event${why ? ` (${why})` : ''}; publish on a documented topic.` },
  IOC_PAYLOAD_NOT_JSON: { status: 400, message: (why) => `Payload is not valid JSON (${why}); devices must publish one UTF-8 JSON object per message.` },
  IOC_INVALID_PAYLOAD: { status: 400, message: (summary) => `Payload does not match the device schema: ${summary}.` },
  IOC_TOPIC_MISMATCH: { status: 400, message: (what) => `Payload disagrees with its topic: ${what}; publish each device on its own topic.` },
  IOC_PAYLOAD_TOO_LARGE: { status: 413, message: (what) => `Payload too large (${what}); devices publish one small JSON object per message (INGEST_MAX_PAYLOAD_BYTES sets the limit).` },
  IOC_READING_TIME_OUT_OF_RANGE: { status: 400, message: (what) => `Timestamp outside the accepted window: ${what}; set the device's clock (NTP) and send epoch milliseconds (INGEST_MAX_READING_AHEAD_MS and INGEST_MAX_READING_AGE_MS set the window).` },
  IOC_DEVICE_ID_INVALID: { status: 400, message: (id, why) => `Device id "${id}" cannot be registered: ${why}; device ids appear in MQTT topics.` },
  IOC_DEVICE_REGISTRY_UNREADABLE: { status: 500, message: (file, why) => `The device registry ${file} cannot be read (${why}); restore it from a backup or provision the devices again.` },
  IOC_INGEST_STOPPING: { status: 503, message: () => 'Ingest is stopping and took no message; the device sends it again once it reconnects.' },
  IOC_MQTT_REFUSED: { status: 500, message: (url, why) => `The MQTT broker at ${url} refused ingest (${why}); check MQTT_USERNAME and MQTT_PASSWORD and that this account may subscribe to ioc/#.` },
} as const satisfies Record<string, ErrorDefinition>;

export type IngestErrorCode = keyof typeof INGEST_ERRORS;
export const ingestError = defineErrors(INGEST_ERRORS);

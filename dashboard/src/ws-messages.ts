import { z } from 'zod';
import { AlertSchema, DeviceKindSchema, DomainSchema, MetricNameSchema, ReadingSchema } from '../../contracts/src/index.js';

/**
 * What the dashboard's WebSocket (/ws) sends. The client sends nothing: authentication happens in
 * the handshake (see ws/live-server.ts) and liveness with protocol-level ping/pong.
 *
 *   snapshot  first message after connecting: every unresolved alert and every station's latest values
 *   alert     an alert opened, escalated, de-escalated, was acknowledged or resolved (the full alert)
 *   stations  stations whose values changed, at most one message per second
 */
export const WS_PROTOCOL = 'ioc.v1';
/** Prefix of the subprotocol that carries the session token: `bearer.<token>`. */
export const WS_TOKEN_PREFIX = 'bearer.';

/** The latest value of each metric at a station (site), from the newest measured readings. */
export const StationSchema = z.strictObject({
  siteId: z.string(),
  domain: DomainSchema,
  ward: z.string(),
  /** Kind, device, power state and faults are those of the newest reading. */
  kind: DeviceKindSchema,
  deviceId: z.string(),
  /** Device time of the newest reading, epoch ms. */
  ts: z.number().int(),
  metrics: z.partialRecord(MetricNameSchema, z.number()),
  powerState: ReadingSchema.shape.powerState,
  faults: ReadingSchema.shape.faults,
});
export type Station = z.infer<typeof StationSchema>;

export const SnapshotMessageSchema = z.strictObject({
  type: z.literal('snapshot'),
  serverTime: z.number().int(),
  alerts: z.array(AlertSchema),
  stations: z.array(StationSchema),
});

export const AlertMessageSchema = z.strictObject({ type: z.literal('alert'), alert: AlertSchema });

export const StationsMessageSchema = z.strictObject({ type: z.literal('stations'), stations: z.array(StationSchema) });

export const ServerMessageSchema = z.discriminatedUnion('type', [SnapshotMessageSchema, AlertMessageSchema, StationsMessageSchema]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

/**
 * Close codes the page acts on: 4001 log in again; 4003 the account was disabled, deleted or its
 * password changed (ask GET /api/me why); 4008 reconnect for a fresh snapshot.
 */
export const WS_CLOSE = { sessionExpired: 4001, sessionEnded: 4003, tooSlow: 4008, shuttingDown: 1001 } as const;

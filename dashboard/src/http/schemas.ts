import { z } from 'zod';
import { AlertSchema, AuditEntrySchema, DomainSchema, MetricNameSchema, RuleSetSchema } from '../../../contracts/src/index.js';
import { RoleSchema } from '../auth/roles.js';
import type { User } from '../auth/users.js';
import { StationSchema } from '../ws-messages.js';

/**
 * Schemas of the HTTP API that are not contracts of the bus: they validate requests, shape
 * responses and describe both in /api/openapi.json. Named ones appear once in the document's
 * components (see API_SCHEMAS).
 */
export const API_SCHEMAS = z.registry<{ id: string }>();
API_SCHEMAS.add(AlertSchema, { id: 'Alert' });
API_SCHEMAS.add(RuleSetSchema, { id: 'RuleSet' });
API_SCHEMAS.add(StationSchema, { id: 'Station' });
API_SCHEMAS.add(AuditEntrySchema, { id: 'AuditEntry' });

/** Every error leaves in this shape (error-handling.ts); a 400 names each field at fault in `details.issues`. */
export const ErrorSchema = z
  .object({
    code: z.string().meta({ example: 'IOC_INVALID_REQUEST' }),
    message: z.string(),
    details: z.unknown().optional(),
  })
  .meta({ description: 'A coded error: `code` is stable, `message` says what to do. A 400 carries `details.issues: [{ path, message }]`.' })
  .register(API_SCHEMAS, { id: 'Error' });

/** The documented error answers of a route: `errorResponses(400, 404)`. */
export function errorResponses<const S extends number>(...statuses: S[]): Record<S, typeof ErrorSchema> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorSchema])) as Record<S, typeof ErrorSchema>;
}

export const UserSchema = z
  .strictObject({
    username: z.string(),
    role: RoleSchema,
    disabled: z.boolean(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
    configuredBy: z.enum(['IOC_ADMIN_PASSWORD', 'IOC_USERS']).optional().meta({ description: 'Set when configuration sets this account at every start.' }),
  })
  .register(API_SCHEMAS, { id: 'User' }) satisfies z.ZodType<User>;

export const SessionUserSchema = z.strictObject({ username: z.string(), role: RoleSchema });

/** What a login (or a password change) hands back: the token to send as `Authorization: Bearer <token>`. */
export const SessionGrantSchema = z
  .strictObject({ token: z.string(), user: SessionUserSchema, expiresAt: z.number().int().meta({ description: 'epoch ms' }) })
  .register(API_SCHEMAS, { id: 'SessionGrant' });

export const IdParamsSchema = z.strictObject({ id: z.string().min(1) });

/** A comment is required wherever an operator acts: it is the audit trail's "why". */
export function commentSchema(ask: string) {
  return z
    .string({ error: ask })
    .trim()
    .min(1, ask)
    .max(1000, 'keep the comment to 1000 characters or fewer');
}

export const MetricInfoSchema = z.strictObject({
  domain: DomainSchema,
  unit: z.string(),
  label: z.strictObject({ vi: z.string(), en: z.string() }),
  range: z.tuple([z.number(), z.number()]).readonly().meta({ description: 'What the sensor can physically report.' }),
});

export const CatalogueSchema = z.strictObject({ metrics: z.record(MetricNameSchema, MetricInfoSchema) });

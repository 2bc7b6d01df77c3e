import { dirname, join } from 'node:path';
import { z } from 'zod';
import { DatabaseConfigSchema, databaseLocation, env } from '../../platform/src/index.js';
import { NewPasswordSchema, NewUserSchema } from './auth/users.js';

/**
 * `IOC_USERS` seeds users at start: a JSON array of `{username, password, role}`, e.g.
 * `[{"username":"lan.nguyen","password":"…12+ chars…","role":"operator"}]`. JSON rather than a
 * delimited list so passwords may contain any character.
 */
const UserSeedSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of {"username","password","role"}' });
      return z.NEVER;
    }
  })
  .pipe(z.array(NewUserSchema));

export const DashboardConfigSchema = z
  .object({
    PORT: env.port(8080),
    HOST: z.string().default('0.0.0.0'),
    /** First admin's password; generated and printed once when unset. */
    IOC_ADMIN_PASSWORD: NewPasswordSchema.optional(),
    /** Shared by all dashboard replicas; generated when unset (sessions then end at restart). */
    IOC_TOKEN_SECRET: z.string().min(32, 'use at least 32 random characters, e.g. `openssl rand -base64 48`').optional(),
    IOC_USERS: UserSeedSchema.optional(),
    ...DatabaseConfigSchema.shape,
    /** The embedded SQLite file of the operations record, used when DATABASE_URL is unset. */
    DATABASE_FILE: z.string().min(1).default('.data/ioc.sqlite'),
    /** The release before the database kept accounts and the audit log in files; they are imported once (beside DATABASE_FILE unless named). */
    USERS_PATH: z.string().min(1).optional(),
    AUDIT_LOG_PATH: z.string().min(1).optional(),
    /** Set when a reverse proxy sits in front, so login throttling sees the client's address. */
    TRUST_PROXY: env.flag(false),
  })
  .transform((config) => ({
    ...config,
    database: databaseLocation(config, config.DATABASE_FILE),
    importFiles: {
      users: config.USERS_PATH ?? join(dirname(config.DATABASE_FILE), 'users.json'),
      audit: config.AUDIT_LOG_PATH ?? join(dirname(config.DATABASE_FILE), 'audit.ndjson'),
    },
  }));
export type DashboardConfig = z.infer<typeof DashboardConfigSchema>;

import { z } from 'zod';
import type { DatabaseLocation } from './database.js';

export const DatabaseConfigSchema = z.object({
  /** PostgreSQL (`postgres://user:password@host:5432/name`); when unset, the launcher's SQLite file. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'use a PostgreSQL URL, postgres://user:password@host:5432/name (leave it unset for the embedded SQLite file)')
    .optional(),
});
export type DatabaseConfig = z.infer<typeof DatabaseConfigSchema>;

/** PostgreSQL when DATABASE_URL is set, else the SQLite file the launcher chose. */
export function databaseLocation(config: DatabaseConfig, sqliteFile: string): DatabaseLocation {
  return config.DATABASE_URL ? { url: config.DATABASE_URL } : { file: sqliteFile };
}

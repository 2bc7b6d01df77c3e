import { z } from 'zod';
import { summarizeIssues, platformError } from './errors.js';

/**
 * Reads configuration from environment variables through a zod schema. On error it names every
 * bad variable and what it should be, instead of failing later somewhere obscure.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw platformError('IOC_CONFIG_INVALID', [summarizeIssues(result.error.issues)]);
}

/** Environment values are strings; these turn them into checked numbers, flags and lists. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  int: (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback),
  number: (fallback: number) => z.coerce.number().finite().default(fallback),
  flag: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  list: () =>
    z
      .string()
      .optional()
      .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [])),
  url: () => z.url().optional(),
};

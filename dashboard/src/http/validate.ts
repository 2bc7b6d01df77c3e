import { dashboardError } from '../errors.js';
import type { z } from 'zod';
import { describeIssues, summarizeIssues } from '../../../platform/src/index.js';

/** Parses a request body or query; a failure names each field at fault (IOC_INVALID_REQUEST, 400). */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw dashboardError('IOC_INVALID_REQUEST', [summarizeIssues(result.error.issues)], { details: { issues: describeIssues(result.error.issues) } });
}

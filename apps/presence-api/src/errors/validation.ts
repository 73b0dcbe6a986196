import type { z } from 'zod';
import { ValidationError } from './api-error';

/** Parses request input with a zod schema; a failure names each bad field (in `details` too) and changes nothing. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where = 'body'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.slice(0, 10).map((issue) => ({
    path: issue.path.length > 0 ? `${where}.${issue.path.map(String).join('.')}` : where,
    message: issue.message,
  }));
  throw new ValidationError(details.map(({ path, message }) => `${path}: ${message}`).join('; '), details);
}

import { ID_PATTERN, ID_RULE, idProblem, MAX_ID_LENGTH, PLATFORMS, PRESENCE_STATUSES } from '@amo/presence-core';

export { ID_PATTERN };
import { z } from 'zod';

/** The platforms, in core's order (the order that breaks aggregation ties). */
export const PLATFORM_NAMES = PLATFORMS;

const platformList = PLATFORMS.join(', ');

/** Most people one call may name (availability, batch reads, batch links). */
export const MAX_PEOPLE_PER_CALL = 1000;

/** Largest page of a paged list (`limit`). */
export const MAX_PAGE_SIZE = 1000;

/**
 * A person id or platform account id, with core's rules (`validateId`): {@link ID_RULE}. `what` names the field
 * in error messages (core's `idProblem` words them, so the service says the same thing everywhere).
 */
export const idString = (what: string, maxLength = MAX_ID_LENGTH) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, { error: `${what} must not be empty` })
    .max(maxLength, { error: `${what} must be at most ${maxLength} characters` })
    .regex(ID_PATTERN, { error: (issue) => idProblem(issue.input, what, maxLength) ?? `${what} must be printable text` });

/** An AMO user id (a person). */
export const userId = idString('userId').meta({ description: `AMO user id: ${ID_RULE}`, examples: ['alice'] });

/** A platform name. */
export const platform = z.enum(PLATFORMS, { error: `unknown platform; expected one of ${platformList}` }).meta({ examples: ['slack'] });

/** A normalized presence status. */
export const presenceStatus = z.enum(PRESENCE_STATUSES).meta({ examples: ['online'] });

/** An ISO 8601 UTC timestamp as the service writes them (`toISOString()`: milliseconds and `Z`). */
export const isoTime = z.string().meta({ format: 'date-time', examples: ['2026-11-26T07:00:00.000Z'] });

const TRUE = ['true', 'True', '1'] as const;
const FALSE = ['false', 'False', '0'] as const;

/**
 * A boolean query flag: `true`/`True`/`1` or `false`/`False`/`0` (Python's `requests` sends `True`). Parses to a
 * boolean.
 */
export const booleanFlag = (name: string) =>
  z
    .enum([...TRUE, ...FALSE], { error: `${name} must be true or false (true, True, 1, false, False or 0)` })
    .transform((value) => (TRUE as readonly string[]).includes(value))
    .meta({ examples: ['true'] });

/** An object with one optional property per platform (a closed set, so clients get named fields). */
export function byPlatform<S extends z.ZodType>(value: S) {
  return z.object(Object.fromEntries(PLATFORMS.map((name) => [name, value.optional()])) as Record<(typeof PLATFORMS)[number], z.ZodOptional<S>>);
}

/** A paging cursor: the `nextCursor` of the previous page, opaque. */
export const cursor = z.string().min(1).max(512).meta({ description: 'the nextCursor of the previous page (opaque)' });

/** A page size, 1..1000 (from a query string). */
export const pageLimit = z.coerce
  .number({ error: 'limit must be a number' })
  .int({ error: 'limit must be a whole number' })
  .min(1, { error: 'limit must be at least 1' })
  .max(MAX_PAGE_SIZE, { error: `limit must be at most ${MAX_PAGE_SIZE}` })
  .meta({ description: `page size, 1-${MAX_PAGE_SIZE} (default 100)`, examples: [100] });

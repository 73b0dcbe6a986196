import { InvalidInputError } from './errors';

/** The six platforms, in the fixed order used to break aggregation ties. */
export const PLATFORMS = ['discord', 'slack', 'teams', 'zoom', 'whatsapp', 'linkedin'] as const;

export type Platform = (typeof PLATFORMS)[number];

const platformSet: ReadonlySet<string> = new Set(PLATFORMS);

export function isPlatform(value: unknown): value is Platform {
  return typeof value === 'string' && platformSet.has(value);
}

/** Parses a platform name case-insensitively; throws {@link InvalidInputError} for anything else. */
export function parsePlatform(value: unknown): Platform {
  const lowered = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (isPlatform(lowered)) return lowered;
  throw new InvalidInputError(
    `unknown platform ${JSON.stringify(value)}; expected one of ${PLATFORMS.join(', ')}`,
  );
}

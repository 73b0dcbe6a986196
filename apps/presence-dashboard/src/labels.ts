/** Words for what the API names with ids: platforms, rate-budget buckets and their windows. Pure. */

const PLATFORM_NAMES: Record<string, string> = {
  discord: 'Discord',
  slack: 'Slack',
  teams: 'Teams',
  zoom: 'Zoom',
  whatsapp: 'WhatsApp',
  linkedin: 'LinkedIn',
};

/** `whatsapp` -> `WhatsApp`; a platform this page does not know keeps its id. */
export function platformName(platform: string): string {
  return PLATFORM_NAMES[platform] ?? platform;
}

// Bucket words that read better spelled out; anything else (a Slack method name) is shown as the API names it.
const BUCKET_WORDS: Record<string, string> = {
  rest: 'REST API',
  'gateway-send': 'gateway sends',
  graph: 'Graph API',
  api: 'API',
  medium: 'medium-rate API',
};

/**
 * A rate-budget bucket as words: `teams:presence:<tenant>` -> `Teams presence`, `slack:users.getPresence` ->
 * `Slack users.getPresence`, `discord:rest` -> `Discord REST API`. The bucket's first part is the platform, the
 * second what the budget covers; later parts name the tenant or account it is counted for, which the title keeps.
 */
export function budgetLabel(bucket: string): string {
  const [platform, scope] = bucket.split(':');
  if (!scope) return platformName(platform);
  return `${platformName(platform)} ${BUCKET_WORDS[scope] ?? scope}`;
}

const UNITS: [ms: number, one: string, short: string][] = [
  [86_400_000, 'day', 'd'],
  [3_600_000, 'hour', 'h'],
  [60_000, 'minute', 'min'],
  [1000, 'second', 's'],
];

/** A budget window: `per second`, `per 30 s`, `per minute`, `per hour`, `per day`, `per 250 ms`. */
export function windowText(windowMs: number): string {
  for (const [ms, one, short] of UNITS) {
    if (windowMs < ms || windowMs % ms !== 0) continue;
    const count = windowMs / ms;
    return count === 1 ? `per ${one}` : `per ${count.toLocaleString('en')} ${short}`;
  }
  return `per ${windowMs.toLocaleString('en')} ms`;
}

/** `Teams presence: 1 of 1,500 per 30 s`. */
export function budgetText(budget: { bucket: string; used: number; limit: number; windowMs?: number }): string {
  const window = budget.windowMs ? ` ${windowText(budget.windowMs)}` : '';
  return `${budgetLabel(budget.bucket)}: ${budget.used.toLocaleString('en')} of ${budget.limit.toLocaleString('en')}${window}`;
}

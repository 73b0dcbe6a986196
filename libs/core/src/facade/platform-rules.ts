import { effectiveTtlMs, type FreshnessRule } from '../aggregate/freshness';
import { SLOTS } from '../cache/presence-table';
import type { IdentityDirectory } from '../identity/identity-directory';
import { PLATFORMS, type Platform } from '../model/platform';
import type { AdapterCapabilities } from '../ports/adapter';

export const POLL = 0;
export const PUSH = 1;
export const INFERRED = 2;
const MODES = ['poll', 'push', 'inferred'] as const;

/** What the rules are derived from: the facade's adapters, intervals and connections. */
export interface RuleSource {
  capabilities(platform: Platform): AdapterCapabilities | undefined;
  intervalOf(platform: Platform): number;
  connectionUp(platform: Platform): boolean;
}

/**
 * Each platform's freshness rule as numbers by slot (mode, TTL, connection up), so deciding freshness is a
 * timestamp comparison. Kept current cheaply: `refresh` recomputes a platform's TTL only when its number of
 * linked accounts changed (six size reads otherwise); the facade calls `invalidate` when an adapter, an
 * interval or a connection changes.
 */
export class PlatformRules {
  readonly mode = new Uint8Array(SLOTS);
  readonly ttlMs = new Float64Array(SLOTS);
  readonly up = new Uint8Array(SLOTS);
  private readonly counted = new Float64Array(SLOTS).fill(-1);
  private readonly owners: readonly ReadonlyMap<string, string>[];
  private stale = true;
  /** Bumped whenever a rule's value changes: answers decided under an older version are recomputed. */
  version = 0;

  constructor(
    directory: IdentityDirectory,
    private readonly source: RuleSource,
    private readonly cacheTtlMs: number,
    readonly recencyWindowMs: number,
  ) {
    this.owners = PLATFORMS.map((platform) => directory.peopleOn(platform));
  }

  invalidate(): void {
    this.stale = true;
  }

  refresh(): void {
    const stale = this.stale;
    for (let slot = 0; slot < SLOTS; slot++) {
      const count = this.owners[slot].size;
      if (!stale && count === this.counted[slot]) continue;
      const platform = PLATFORMS[slot];
      const capabilities = this.source.capabilities(platform);
      const freshness = capabilities?.freshness ?? 'poll';
      const mode = freshness === 'push' ? PUSH : freshness === 'inferred' ? INFERRED : POLL;
      const up = this.source.connectionUp(platform) ? 1 : 0;
      const ttlMs = effectiveTtlMs(this.cacheTtlMs, count, capabilities?.idsPerMinute, this.source.intervalOf(platform));
      if (mode !== this.mode[slot] || up !== this.up[slot] || ttlMs !== this.ttlMs[slot]) this.version++;
      this.mode[slot] = mode;
      this.up[slot] = up;
      this.ttlMs[slot] = ttlMs;
      this.counted[slot] = count;
    }
    this.stale = false;
  }

  /** The rule of one platform as an object (for tools and explanations, not the hot path). */
  rule(slot: number): FreshnessRule {
    this.refresh();
    return { mode: MODES[this.mode[slot]], ttlMs: this.ttlMs[slot], connectionUp: this.up[slot] === 1, recencyWindowMs: this.recencyWindowMs };
  }
}

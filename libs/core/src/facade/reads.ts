import { isAvailable, isMonitored } from '../aggregate/preferences';
import { DECISION, SLOTS } from '../cache/presence-table';
import { validateId } from '../identity/id-rule';
import { InvalidInputError } from '../model/errors';
import { PLATFORMS, type Platform, parsePlatform } from '../model/platform';
import type { PresenceData } from '../model/presence';
import { PRESENCE_STATUSES, type PresenceStatus } from '../model/status';
import type { Engine } from './engine';
import type { PresenceExplanation } from './facade-types';
import { INFERRED } from './platform-rules';

/**
 * Answers from the table, never from a platform. The aggregate and availability paths allocate nothing per
 * person: one id lookup, six slots compared. Every read counts its hits and misses per platform record.
 */
export class Reads {
  constructor(private readonly engine: Engine) {}

  /** The seed's `get_aggregated_presence`. */
  getAggregatedPresence(userId: string): PresenceStatus {
    this.engine.rules.refresh();
    return PRESENCE_STATUSES[this.decide(validateId(userId, 'userId'), this.engine.clock.now())];
  }

  /** The seed's `are_users_available`, for up to `maxBatch` people. */
  areUsersAvailable(userIds: readonly string[]): Record<string, boolean> {
    if (!Array.isArray(userIds)) throw new InvalidInputError('userIds must be an array');
    const { options, rules, clock } = this.engine;
    if (userIds.length > options.maxBatch) {
      throw new InvalidInputError(`at most ${options.maxBatch} user ids per call, got ${userIds.length}`);
    }
    rules.refresh();
    const now = clock.now();
    const out: Record<string, boolean> = {};
    for (let i = 0; i < userIds.length; i++) {
      const userId = validateId(userIds[i], 'userId');
      const status = PRESENCE_STATUSES[this.decide(userId, now)];
      out[userId] = isAvailable(status, options.preferences?.(userId), now, options.consentDefault);
    }
    return out;
  }

  /** The seed's `get_user_presence`: the records held for a person, by platform. Never creates an entry. */
  getUserPresence(userId: string, platform?: Platform | string): Partial<Record<Platform, PresenceData>> {
    const only = platform === undefined ? undefined : parsePlatform(platform);
    const out: Partial<Record<Platform, PresenceData>> = {};
    for (const [name, { stale: _stale, ...record }] of Object.entries(this.explain(userId).platforms)) {
      if (only === undefined || name === only) out[name as Platform] = record;
    }
    return out;
  }

  /** Everything about one person's presence now: aggregate, decider, stale platforms, per-platform records. */
  explain(userId: string): PresenceExplanation {
    validateId(userId, 'userId');
    const { table, evaluator, options, clock, directory, rules, settings } = this.engine;
    rules.refresh();
    const now = clock.now();
    const prefs = options.preferences?.(userId);
    const handle = table.handleOf(userId);
    const statusIndex = this.decide(userId, now);
    const decidedBy = evaluator.winner < 0 ? null : PLATFORMS[evaluator.winner];
    const platforms: PresenceExplanation['platforms'] = {};
    const stale: Platform[] = [];
    let updatedAt = 0;
    const mask = handle < 0 ? 0 : table.present[handle];
    for (let slot = 0; slot < SLOTS; slot++) {
      if ((mask & (1 << slot)) === 0) continue;
      const fresh = evaluator.isFresh(handle, slot, now);
      if (!fresh) stale.push(PLATFORMS[slot]);
      // The record is built for this answer alone: it takes its flag itself (a spread copy cost a second object).
      const record = evaluator.currentRecord(handle, slot, now) as PresenceData & { stale: boolean };
      record.stale = !fresh;
      platforms[PLATFORMS[slot]] = record;
      updatedAt = Math.max(updatedAt, table.updatedAt[handle * SLOTS + slot]);
    }
    const status = PRESENCE_STATUSES[statusIndex];
    const awaiting: Platform[] = [];
    const linked = directory.linkedAccounts(userId);
    if (linked) {
      for (let slot = 0; slot < SLOTS; slot++) {
        if (linked[slot] !== undefined && (mask & (1 << slot)) === 0 && isMonitored(prefs, PLATFORMS[slot], options.consentDefault)) awaiting.push(PLATFORMS[slot]);
      }
    }
    return {
      userId,
      status,
      decidedBy,
      stale,
      policy: prefs?.policy ?? settings.policy,
      available: isAvailable(status, prefs, now, options.consentDefault),
      platforms,
      awaiting,
      updatedAt: updatedAt > 0 ? new Date(updatedAt) : null,
    };
  }

  /**
   * Decides one person (rules refreshed by the caller) and counts the read: fresh records are hits; stale
   * ones and linked platforms with no record yet are misses, except inferred platforms, where no record
   * means no signal: that is the answer (unknown), not a reading still to come. The answer is kept in the
   * table and served again while it holds (no reading, no rule change, no link change, before its `until`).
   */
  private decide(userId: string, now: number): number {
    const { table, evaluator, options, settings, counters, rules, links } = this.engine;
    const handle = table.handleOf(userId);
    const policy = options.preferences === undefined ? settings.policy : (options.preferences(userId)?.policy ?? settings.policy);
    const busyWins = policy === 'busy-wins';
    const shared = links !== undefined && links.index === table.index;
    const decisions = table.decisions;
    const at = handle * DECISION;
    if (shared && handle >= 0 && now < decisions[at + 1] && now >= decisions[at] && decisions[at + 3] === rules.version) {
      const packed = decisions[at + 2];
      if (packed >>> LINKED_SHIFT === (table.index.linked[handle] << 1) + (busyWins ? 1 : 0)) {
        evaluator.statusIndex = packed & 7;
        evaluator.winner = ((packed >>> 3) & 7) - 1;
        evaluator.freshCount = (packed >>> 6) & 7;
        evaluator.staleCount = (packed >>> 9) & 7;
        counters.cacheHits += evaluator.freshCount;
        counters.cacheMisses += evaluator.staleCount + ((packed >>> 12) & 7);
        return evaluator.statusIndex;
      }
    }
    evaluator.evaluate(handle, busyWins, now);
    const linked = shared ? (handle < 0 ? 0 : table.index.linked[handle]) : this.linkedMask(userId);
    let awaiting = 0;
    let unread = linked & ~(handle < 0 ? 0 : table.present[handle]);
    for (let slot = 0; unread !== 0; slot++, unread >>= 1) if ((unread & 1) !== 0 && rules.mode[slot] !== INFERRED) awaiting++;
    counters.cacheHits += evaluator.freshCount;
    counters.cacheMisses += evaluator.staleCount + awaiting;
    if (shared && handle >= 0) {
      decisions[at] = now;
      decisions[at + 1] = evaluator.until;
      decisions[at + 2] =
        evaluator.statusIndex + ((evaluator.winner + 1) << 3) + (evaluator.freshCount << 6) + (evaluator.staleCount << 9) + (awaiting << 12) + ((linked << 1) + (busyWins ? 1 : 0)) * 2 ** LINKED_SHIFT;
      decisions[at + 3] = rules.version;
    }
    return evaluator.statusIndex;
  }

  /** Platforms a person has an account linked on, as a bit mask, from another directory implementation. */
  private linkedMask(userId: string): number {
    const linked = this.engine.directory.linkedAccounts(userId);
    let mask = 0;
    if (linked !== undefined) for (let slot = 0; slot < SLOTS; slot++) if (linked[slot] !== undefined) mask |= 1 << slot;
    return mask;
  }
}

/** Where a decision's packed number keeps the policy bit and, above it, the linked platforms it was made with. */
const LINKED_SHIFT = 15;

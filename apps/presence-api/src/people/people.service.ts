import {
  IdentityConflictError,
  isMonitored,
  type PersonPreferences,
  PLATFORMS,
  type Platform,
  PresenceAggregator,
  validateId,
} from '@amo/presence-core';
import { normalizePreferences, type PersonExport, type PresenceStore } from '@amo/presence-store';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ClusterPollingService } from '../cluster/polling.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PresenceEvents } from '../events/presence-events';
import { PlatformConnector } from '../platforms/platform-connector.service';
import { PreferencesCache } from '../presence/preferences-cache';
import { PRESENCE_STORE } from '../store/store.providers';

export type IdentityMap = Partial<Record<Platform, string>>;

/** Time between two tracked-id refreshes, as a multiple of how long the last one took. */
const TRACKING_SHARE = 9;

/** One person of a bulk link: their links afterwards. */
export interface PersonIdentities {
  userId: string;
  identities: IdentityMap;
}

export interface PreferencesView extends PersonPreferences {
  userId: string;
  /** Consent as it applies now: the person's choice, or the service default when they have not said. */
  consent: boolean;
  consentIsDefault: boolean;
}

/**
 * People: identity links, preferences and consent, erasure and export. Every change is written to the
 * store and mirrored in memory; opt-outs drop cached and stored presence before the call returns.
 */
@Injectable()
export class PeopleService {
  private readonly logger = new Logger('People');
  private trackingRefresh: NodeJS.Timeout | undefined;
  /** performance.now() before which the next tracked-id refresh waits (see refreshTrackingSoon). */
  private nextTrackingRefresh = 0;

  constructor(
    private readonly aggregator: PresenceAggregator,
    private readonly preferences: PreferencesCache,
    private readonly events: PresenceEvents,
    private readonly connector: PlatformConnector,
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    /** Cluster mode: the poll queues every instance shares. */
    @Optional() private readonly clusterPolling?: ClusterPollingService,
  ) {}

  identities(userId: string): IdentityMap {
    validateId(userId, 'userId');
    return this.aggregator.directory.accountsOf(userId);
  }

  /**
   * PUT semantics: the person's links become exactly `links`, in one store transaction (a conflict anywhere in
   * the request, even one only the database knows of, changes nothing). Memory follows the committed result.
   */
  async setIdentities(userId: string, links: IdentityMap): Promise<IdentityMap> {
    validateId(userId, 'userId');
    const directory = this.aggregator.directory;
    for (const [platform, accountId] of Object.entries(links) as [Platform, string][]) {
      validateId(accountId, `${platform} account id`);
      const owner = directory.personOf(platform, accountId);
      if (owner !== undefined && owner !== userId) {
        throw new IdentityConflictError(`${platform} account ${accountId} is already linked to another person`);
      }
    }
    const result = await this.store.identities.replace(userId, links);
    // No await from here on: memory, cache and pending writes change together, after the commit.
    for (const platform of result.dropped) {
      directory.unlink(userId, platform);
      this.aggregator.forget(userId, platform);
      this.events.emit('person.forgotten', { userId, platform });
    }
    this.applyLinks([{ userId, ...result }]);
    this.refreshTrackingSoon();
    this.refreshSoon(userId, result.added);
    return directory.accountsOf(userId);
  }

  /**
   * PUT semantics for up to 1,000 people in one store transaction, all or nothing: a conflict anywhere throws
   * `IdentityBatchConflictError` naming each failing person, and nothing changes. Memory follows the committed
   * result in one pass; tracked ids are refreshed once and each platform's sweep is brought forward once.
   */
  async setIdentitiesBatch(people: readonly PersonIdentities[]): Promise<{ linked: number; people: PersonIdentities[] }> {
    const results = await this.store.identities.replaceMany(people);
    // No await from here on, as in setIdentities.
    const directory = this.aggregator.directory;
    for (const result of results) {
      for (const platform of result.dropped) {
        directory.unlink(result.userId, platform);
        this.aggregator.forget(result.userId, platform);
        this.events.emit('person.forgotten', { userId: result.userId, platform });
      }
    }
    this.applyLinks(results);
    this.refreshTrackingSoon();
    const awaiting = new Set<Platform>();
    for (const result of results) for (const platform of this.announceAwaiting(result.userId, result.added)) awaiting.add(platform);
    if (this.connector.monitoring) for (const platform of awaiting) this.aggregator.pollSoon(platform);
    return { linked: results.length, people: results.map((result) => ({ userId: result.userId, identities: result.links })) };
  }

  /** Links what the store committed (after every drop of the batch, so an account may move between people). */
  private applyLinks(results: readonly { userId: string; added: readonly [Platform, string][] }[]): void {
    const directory = this.aggregator.directory;
    for (const { userId, added } of results) {
      for (const [platform, accountId] of added) {
        try {
          directory.link(userId, platform, accountId);
        } catch (error) {
          // The store is the truth: a link another instance removed may still be in this one's memory.
          if (!(error instanceof IdentityConflictError)) throw error;
          const stale = directory.personOf(platform, accountId) as string;
          directory.unlink(stale, platform);
          directory.link(userId, platform, accountId);
        }
      }
    }
  }

  /**
   * Tells adapters their tracked ids once for all the links that changed meanwhile. Computing them costs
   * O(people) (each adapter is handed every monitored account), so a refresh per link made linking N people
   * cost O(N^2), and one per batch of 1,000 still made a batch cost more the more people were linked. So a
   * refresh that took d ms is followed by the next no sooner than {@link TRACKING_SHARE} x d ms later (at
   * once, the next event-loop turn, when the last one is that long ago): refreshing takes at most about a
   * tenth of the time, however many people are linked, and a new link is tracked within 10 x d (a few seconds
   * at 100,000 people), well within a poll interval.
   */
  private refreshTrackingSoon(): void {
    if (this.trackingRefresh !== undefined) return;
    const wait = Math.max(0, this.nextTrackingRefresh - performance.now());
    this.trackingRefresh = setTimeout(() => {
      this.trackingRefresh = undefined;
      const started = performance.now();
      try {
        this.aggregator.refreshTracking();
      } finally {
        const ended = performance.now();
        this.nextTrackingRefresh = ended + TRACKING_SHARE * (ended - started);
      }
    }, wait);
    this.trackingRefresh.unref();
  }

  preferencesOf(userId: string): PreferencesView {
    validateId(userId, 'userId');
    return this.view(userId, this.preferences.get(userId));
  }

  /**
   * PUT semantics. The in-memory preferences change first (so no poll or webhook for an opted-out person is
   * accepted from here on), pending writes about them are dropped, then the store deletes what it held.
   */
  async setPreferences(userId: string, input: PersonPreferences): Promise<PreferencesView> {
    validateId(userId, 'userId');
    const normalized = normalizePreferences(input);
    const before = this.preferences.get(userId);
    const unmonitored = PLATFORMS.filter((platform) => !isMonitored(normalized, platform, this.config.consentDefault));
    if (this.clusterPolling) {
      // Cluster mode, first: no instance polls what they opted out of from here on (queued poll jobs included).
      const accounts = this.aggregator.directory.accountsOf(userId);
      await this.clusterPolling.forget(Object.fromEntries(unmonitored.filter((platform) => accounts[platform]).map((platform) => [platform, accounts[platform]])));
    }
    this.preferences.set(userId, normalized);
    if (unmonitored.length === PLATFORMS.length) {
      this.aggregator.forget(userId);
      this.events.emit('person.forgotten', { userId });
    } else {
      for (const platform of unmonitored) {
        this.aggregator.forget(userId, platform);
        this.events.emit('person.forgotten', { userId, platform });
      }
    }
    try {
      await this.store.preferences.save(userId, normalized);
    } catch (error) {
      if (before) this.preferences.set(userId, before);
      else this.preferences.delete(userId);
      throw error;
    }
    this.aggregator.refreshTracking();
    const nowMonitored = (Object.entries(this.aggregator.directory.accountsOf(userId)) as [Platform, string][]).filter(
      ([platform]) => !unmonitored.includes(platform) && !isMonitored(before, platform, this.config.consentDefault),
    );
    this.refreshSoon(userId, nowMonitored);
    return this.view(userId, normalized);
  }

  /** Removes everything about the person, everywhere, at once. Idempotent. */
  async erase(userId: string): Promise<void> {
    validateId(userId, 'userId');
    // Cluster mode: first no instance polls them (queued poll jobs included), then everything held goes.
    if (this.clusterPolling) await this.clusterPolling.forget(this.aggregator.directory.accountsOf(userId));
    this.aggregator.directory.unlink(userId);
    this.preferences.delete(userId);
    this.aggregator.forget(userId);
    this.events.emit('person.forgotten', { userId });
    await this.store.personData.erase(userId);
    this.aggregator.refreshTracking();
  }

  /** Everything held about the person: the store's rows plus what the cache holds right now. */
  async export(userId: string): Promise<PersonExport & { cachedPresence: Record<string, unknown> }> {
    validateId(userId, 'userId');
    const stored = await this.store.personData.export(userId);
    return { ...stored, cachedPresence: this.aggregator.getUserPresence(userId) as Record<string, unknown> };
  }

  async list(limit: number | undefined, cursor: string | undefined): Promise<{ users: { userId: string; platforms: Platform[] }[]; nextCursor: string | null }> {
    const page = await this.store.personData.listPeople({ limit, cursor });
    return {
      users: page.items.map((person) => ({ userId: person.userId, platforms: Object.keys(person.platforms) as Platform[] })),
      nextCursor: page.nextCursor ?? null,
    };
  }

  private view(userId: string, prefs: PersonPreferences | undefined): PreferencesView {
    return {
      userId,
      optedOut: false,
      optedOutPlatforms: [],
      preferredPlatforms: [],
      patternsOptIn: false,
      ...prefs,
      consent: prefs?.consent ?? this.config.consentDefault,
      consentIsDefault: prefs?.consent === undefined,
    };
  }

  /**
   * Newly linked (or newly consenting) accounts show as "linked, no data", and join their platform's next
   * batched sweep, brought forward: never a read of their own (10,000 links are a few batch calls, not 10,000).
   */
  private refreshSoon(userId: string, accounts: [Platform, string][]): void {
    const awaiting = this.announceAwaiting(userId, accounts);
    if (!this.connector.monitoring) return;
    for (const platform of awaiting) this.aggregator.pollSoon(platform);
  }

  /** Emits `presence.awaiting` for the given accounts that have no reading yet; returns their platforms. */
  private announceAwaiting(userId: string, accounts: readonly [Platform, string][]): Platform[] {
    if (accounts.length === 0) return [];
    const awaiting = this.aggregator.explain(userId).awaiting.filter((platform) => accounts.some(([linked]) => linked === platform));
    if (awaiting.length > 0) this.events.emit('presence.awaiting', { userId, platforms: awaiting });
    return awaiting;
  }
}

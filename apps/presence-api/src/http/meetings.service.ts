import {
  type ChannelInput,
  type Clock,
  DEFAULT_INFERRED_PLATFORMS,
  isMonitored,
  meetingNow,
  type MeetingNowPerson,
  PLATFORMS,
  type Platform,
  PresenceAggregator,
  type RankedChannel,
  rankChannels,
  suggestMeetingSlots,
  type SuggestionResult,
  unknownPerson,
  validateTimeZone,
  type WorkingHours,
} from '@amo/presence-core';
import type { PresenceStore } from '@amo/presence-store';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CLOCK } from '../presence/clock.provider';
import { PreferencesCache } from '../presence/preferences-cache';
import { PRESENCE_STORE } from '../store/store.providers';

export interface SuggestInput {
  userIds: readonly string[];
  durationMinutes: number;
  withinDays: number;
  timeZone: string;
  workingHours?: WorkingHours;
  limit?: number;
}

/**
 * What AMO asks before reaching people: the best channel now, whether a group can meet now, and when they
 * probably can. Wires the cache, preferences and stored patterns into core's pure decisions.
 */
@Injectable()
export class MeetingsService {
  constructor(
    private readonly aggregator: PresenceAggregator,
    private readonly preferences: PreferencesCache,
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The person's channels, best first; undefined for a person without identity links. */
  channels(userId: string, urgent = false): RankedChannel[] | undefined {
    if (!this.aggregator.directory.has(userId)) return undefined;
    return rankChannels({
      channels: this.channelInputs(userId),
      preferences: this.preferences.get(userId),
      nowMs: this.clock.now(),
      urgent,
      inferredPlatforms: this.inferredPlatforms(),
      recencyWindowMs: this.config.recencyWindowMs,
    });
  }

  /** The first entry of the ranking (not urgent), or null: `bestChannel` of availability details. */
  bestChannel(userId: string): RankedChannel | null {
    return this.channels(userId)?.[0] ?? null;
  }

  /** Can these people meet now? Each person once, in the order asked; unknown people listed as such. */
  now(userIds: readonly string[]): { allAvailable: boolean; people: MeetingNowPerson[] } {
    const nowMs = this.clock.now();
    const people = [...new Set(userIds)].map((userId) => {
      if (!this.aggregator.directory.has(userId)) return unknownPerson(userId);
      const { status, available, decidedBy } = this.aggregator.explain(userId);
      return meetingNow({
        userId,
        status,
        available,
        decidedBy,
        platforms: this.channelInputs(userId),
        preferences: this.preferences.get(userId),
        consentDefault: this.config.consentDefault,
        nowMs,
        bestChannel: this.bestChannel(userId),
      });
    });
    return { allAvailable: people.every((person) => person.available), people };
  }

  /** Meeting slots from the opted-in people's stored hour-of-week time (see core's `suggestMeetingSlots`). */
  async suggest(input: SuggestInput): Promise<SuggestionResult> {
    validateTimeZone(input.timeZone);
    const userIds = [...new Set(input.userIds)];
    const optedIn = userIds.filter((userId) => {
      const prefs = this.preferences.get(userId);
      return prefs?.patternsOptIn === true && !prefs.optedOut;
    });
    const patterns = await this.store.patterns.readMany(optedIn);
    return suggestMeetingSlots({
      people: userIds.map((userId) => {
        const prefs = this.preferences.get(userId);
        return {
          userId,
          timeZone: prefs?.quietHours?.timeZone ?? 'UTC',
          history: patterns.get(userId)?.hours ?? null,
          quietHours: prefs?.quietHours,
        };
      }),
      nowMs: this.clock.now(),
      durationMinutes: input.durationMinutes,
      withinDays: input.withinDays,
      timeZone: input.timeZone,
      workingHours: input.workingHours,
      limit: input.limit,
    });
  }

  /** Each linked platform the person is monitored on, as it reads now ("linked, no data" as null status). */
  private channelInputs(userId: string): ChannelInput[] {
    const explanation = this.aggregator.explain(userId);
    const prefs = this.preferences.get(userId);
    const inputs: ChannelInput[] = [];
    for (const [platform, accountId] of Object.entries(this.aggregator.directory.accountsOf(userId)) as [Platform, string][]) {
      if (!isMonitored(prefs, platform, this.config.consentDefault)) continue;
      const record = explanation.platforms[platform];
      inputs.push(
        record
          ? { platform, accountId, status: record.status, stale: record.stale, lastSeen: record.lastSeen, activity: record.activity }
          : { platform, accountId, status: null, stale: true },
      );
    }
    return inputs;
  }

  private inferredPlatforms(): ReadonlySet<Platform> {
    return new Set(PLATFORMS.filter((platform) => this.aggregator.adapter(platform)?.capabilities.inferred ?? DEFAULT_INFERRED_PLATFORMS.has(platform)));
  }
}

import type { PersonPreferences } from '@amo/presence-core';
import { Injectable } from '@nestjs/common';

/**
 * Everyone's preferences in memory, loaded at start and written through on every change: the aggregator
 * asks synchronously before each poll and each availability answer, so consent holds before polling.
 */
@Injectable()
export class PreferencesCache {
  private readonly byPerson = new Map<string, PersonPreferences>();

  get(userId: string): PersonPreferences | undefined {
    return this.byPerson.get(userId);
  }

  set(userId: string, preferences: PersonPreferences): void {
    this.byPerson.set(userId, preferences);
  }

  delete(userId: string): void {
    this.byPerson.delete(userId);
  }

  replaceAll(all: ReadonlyMap<string, PersonPreferences>): void {
    this.byPerson.clear();
    for (const [userId, preferences] of all) this.byPerson.set(userId, preferences);
  }

  get size(): number {
    return this.byPerson.size;
  }
}

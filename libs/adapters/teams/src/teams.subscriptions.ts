import { randomBytes } from 'node:crypto';
import { timersOf, type TimerClock, type Timers } from '@amo/presence-adapter-kit';
import { isPresenceError, PresenceError } from '@amo/presence-core';
import type { GraphClient } from './teams.client';
import type { GraphLifecycleEvent } from './teams.notifications';
import { TEAMS_MAX_IDS_PER_REQUEST, TEAMS_MAX_SUBSCRIPTION_MS } from './teams.manifest';

/** What the service stores to resume subscriptions after a restart (no token, nothing else secret but clientState). */
export interface SavedTeamsSubscription {
  id: string;
  resource: string;
  /** ISO 8601. */
  expirationDateTime: string;
  clientState: string;
}

export interface SubscriptionManagerOptions {
  client: GraphClient;
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  clock?: TimerClock;
  /** Requested lifetime of each subscription; at most 60 minutes (default 59). */
  lifetimeMs?: number;
  /** Renew this long before expiry (default 10 minutes). */
  renewBeforeMs?: number;
  /** After a failed create/renew, try again this much later (default 60 s). */
  retryMs?: number;
  encryption?: { certificate: string; certificateId: string };
  restored?: readonly SavedTeamsSubscription[];
  save?: (subscriptions: SavedTeamsSubscription[]) => void;
  /** Called after every change of coverage (created, renewed, lost) and on failures. */
  onChange?: (error?: PresenceError) => void;
}

interface Live {
  id: string;
  resource: string;
  ids: string[];
  expiresAt: number;
  clientState: string;
  /** Since when notifications for these ids are guaranteed (creation, or the last confirmed renew after a gap). */
  coveredSince: number;
  /** While true (reauthorizationRequired not yet answered) the ids are polled. */
  suspended: boolean;
}

const FILTER_IDS = /'([^']+)'/g;

export function presenceResource(ids: readonly string[]): string {
  return `/communications/presences?$filter=id in (${ids.map((id) => `'${id}'`).join(',')})`;
}

export function resourceIds(resource: string): string[] {
  const single = /communications\/presences\/([^/?]+)$/i.exec(resource);
  if (single) return [single[1]];
  return [...resource.matchAll(FILTER_IDS)].map((match) => match[1]);
}

const key = (id: string): string => id.toLowerCase();

/**
 * Owns the Graph presence subscriptions of one delegated connection: creates them for the tracked ids (650 per
 * filter), renews them before their 60-minute expiry, answers reauthorizationRequired, deletes the ones no longer
 * wanted, and tells which ids are covered. Work is serialized; timers run on the injected clock.
 */
export class TeamsSubscriptionManager {
  private readonly live = new Map<string, Live>();
  private readonly timers: Timers;
  private tracked = new Set<string>();
  private trackedIds: string[] = [];
  private queue: Promise<void> = Promise.resolve();
  private timer: unknown;
  private closed = false;
  private started = false;
  private lastError?: PresenceError;

  constructor(private readonly o: SubscriptionManagerOptions) {
    this.timers = timersOf(o.clock);
    const now = this.timers.now();
    for (const saved of o.restored ?? []) {
      const expiresAt = Date.parse(saved.expirationDateTime);
      if (!(expiresAt > now)) continue;
      // A restored subscription proves nothing until a renew succeeds: held state from before the restart is not covered.
      this.live.set(saved.id, { id: saved.id, resource: saved.resource, ids: resourceIds(saved.resource), expiresAt, clientState: saved.clientState, coveredSince: Number.POSITIVE_INFINITY, suspended: true });
    }
  }

  private get lifetimeMs(): number {
    return Math.min(this.o.lifetimeMs ?? 59 * 60_000, TEAMS_MAX_SUBSCRIPTION_MS);
  }

  /** Renews restored subscriptions (proving they still exist) and subscribes the tracked ids. */
  start(): Promise<void> {
    this.started = true;
    return this.enqueue(async () => {
      for (const sub of [...this.live.values()]) if (sub.suspended) await this.renew(sub);
      await this.reconcile();
    });
  }

  /** Remembers the ids; subscriptions follow them once `start` has been called (push is opt-in per startPush). */
  setTrackedIds(ids: readonly string[]): Promise<void> {
    this.trackedIds = [...new Set(ids)];
    this.tracked = new Set(this.trackedIds.map(key));
    return this.started ? this.enqueue(() => this.reconcile()) : Promise.resolve();
  }

  /** When the id's notifications became guaranteed, or undefined when it is not covered by a live subscription. */
  coveredSince(id: string): number | undefined {
    const now = this.timers.now();
    let since: number | undefined;
    for (const sub of this.live.values()) {
      if (sub.suspended || sub.expiresAt <= now || !sub.ids.some((candidate) => key(candidate) === key(id))) continue;
      since = since === undefined ? sub.coveredSince : Math.min(since, sub.coveredSince);
    }
    return since;
  }

  /** Ids covered right now, lower-cased. */
  coveredIds(): Set<string> {
    const now = this.timers.now();
    const ids = new Set<string>();
    for (const sub of this.live.values()) if (!sub.suspended && sub.expiresAt > now) for (const id of sub.ids) ids.add(key(id));
    return ids;
  }

  clientStateOf(subscriptionId: string): string | undefined {
    return this.live.get(subscriptionId)?.clientState;
  }

  saved(): SavedTeamsSubscription[] {
    return [...this.live.values()].map((sub) => ({ id: sub.id, resource: sub.resource, expirationDateTime: new Date(sub.expiresAt).toISOString(), clientState: sub.clientState }));
  }

  error(): PresenceError | undefined {
    return this.lastError;
  }

  /** reauthorizationRequired: reauthorize, else renew, else recreate; subscriptionRemoved: recreate; missed: nothing held is lost by polling. */
  handleLifecycle(events: readonly GraphLifecycleEvent[]): Promise<void> {
    return this.enqueue(async () => {
      for (const event of events) {
        const sub = this.live.get(event.subscriptionId);
        if (!sub) continue;
        if (event.lifecycleEvent === 'reauthorizationRequired') {
          sub.suspended = true;
          this.o.onChange?.();
          await this.reauthorize(sub);
        } else if (event.lifecycleEvent === 'subscriptionRemoved') {
          this.live.delete(sub.id);
        } else if (event.lifecycleEvent === 'missed') {
          // Notifications were dropped: re-read the ids by polling them until the next renew confirms coverage.
          sub.coveredSince = Number.POSITIVE_INFINITY;
          sub.suspended = true;
          await this.renew(sub);
        }
      }
      await this.reconcile();
    });
  }

  /** Stops timers; with `unsubscribe`, deletes every subscription on Graph too. */
  async close(unsubscribe: boolean): Promise<void> {
    this.closed = true;
    this.clearTimer();
    await this.queue.catch(() => undefined);
    if (!unsubscribe) return;
    await Promise.allSettled([...this.live.values()].map((sub) => this.o.client.deleteSubscription(sub.id)));
    this.live.clear();
    this.o.save?.([]);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(async () => {
      if (this.closed) return;
      await task();
      this.afterWork();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reconcile(): Promise<void> {
    const now = this.timers.now();
    for (const sub of [...this.live.values()]) {
      if (sub.expiresAt <= now) this.live.delete(sub.id);
      else if (sub.ids.some((id) => !this.tracked.has(key(id)))) await this.remove(sub);
    }
    const covered = new Set<string>();
    for (const sub of this.live.values()) for (const id of sub.ids) covered.add(key(id));
    const missing = this.trackedIds.filter((id) => !covered.has(key(id)));
    for (let start = 0; start < missing.length; start += TEAMS_MAX_IDS_PER_REQUEST) {
      if (this.closed) return;
      await this.create(missing.slice(start, start + TEAMS_MAX_IDS_PER_REQUEST));
    }
  }

  private async create(ids: string[]): Promise<void> {
    const clientState = randomBytes(32).toString('base64url');
    const resource = presenceResource(ids);
    try {
      const created = await this.o.client.createSubscription({
        resource,
        notificationUrl: this.o.notificationUrl,
        lifecycleNotificationUrl: this.o.lifecycleNotificationUrl,
        expirationDateTime: new Date(this.timers.now() + this.lifetimeMs).toISOString(),
        clientState,
        encryption: this.o.encryption,
      });
      const expiresAt = Date.parse(created.expirationDateTime);
      this.live.set(created.id, { id: created.id, resource, ids, expiresAt, clientState, coveredSince: this.timers.now(), suspended: false });
      this.lastError = undefined;
    } catch (error) {
      this.fail(error);
    }
  }

  private async renew(sub: Live): Promise<void> {
    try {
      const renewed = await this.o.client.renewSubscription(sub.id, new Date(this.timers.now() + this.lifetimeMs).toISOString());
      sub.expiresAt = Date.parse(renewed.expirationDateTime);
      if (sub.suspended) {
        // Changes while suspended may have gone undelivered: held state from before now is re-read once.
        sub.suspended = false;
        sub.coveredSince = this.timers.now();
      }
      this.lastError = undefined;
    } catch (error) {
      if (isPresenceError(error) && error.code === 'NOT_FOUND') this.live.delete(sub.id);
      else this.fail(error);
    }
  }

  private async reauthorize(sub: Live): Promise<void> {
    try {
      await this.o.client.reauthorizeSubscription(sub.id);
      sub.suspended = false;
      sub.coveredSince = this.timers.now();
    } catch (error) {
      if (isPresenceError(error) && error.code === 'NOT_FOUND') {
        this.live.delete(sub.id);
        return;
      }
    }
    // Renewing also reauthorizes, and pushes the expiry out; it decides what happens when reauthorize failed.
    if (sub.suspended || sub.expiresAt - this.timers.now() < this.lifetimeMs / 2) await this.renew(sub);
  }

  private async remove(sub: Live): Promise<void> {
    this.live.delete(sub.id);
    try {
      await this.o.client.deleteSubscription(sub.id);
    } catch (error) {
      // It expires by itself within the hour; its notifications are refused once its clientState is forgotten.
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    this.lastError = isPresenceError(error) ? error : new PresenceError('TRANSIENT', String(error), { platform: 'teams', cause: error });
  }

  /** Saves, reports, and arms one timer for the earliest renew (or a retry after a failure). */
  private afterWork(): void {
    this.o.save?.(this.saved());
    this.o.onChange?.(this.lastError);
    this.clearTimer();
    if (this.closed) return;
    const now = this.timers.now();
    const renewBefore = this.o.renewBeforeMs ?? 10 * 60_000;
    let due = Number.POSITIVE_INFINITY;
    for (const sub of this.live.values()) due = Math.min(due, sub.expiresAt - renewBefore);
    const wantsRetry = this.lastError !== undefined || this.coveredIds().size < this.tracked.size;
    if (wantsRetry) due = Math.min(due, now + (this.o.retryMs ?? 60_000));
    if (!Number.isFinite(due)) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.enqueue(() => this.renewDue()).catch(() => undefined);
    }, Math.max(0, due - now));
  }

  private async renewDue(): Promise<void> {
    const renewBefore = this.o.renewBeforeMs ?? 10 * 60_000;
    for (const sub of [...this.live.values()]) {
      if (sub.expiresAt - renewBefore <= this.timers.now() || sub.suspended) await this.renew(sub);
    }
    await this.reconcile();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

import { randomBytes } from 'node:crypto';
import { timersOf, type TimerClock, type Timers } from '@amo/presence-adapter-kit';
import { isPresenceError, PresenceError } from '@amo/presence-core';
import type { GraphClient } from './teams.client';
import type { GraphLifecycleEvent } from './teams.notifications';
import { TEAMS_MAX_IDS_PER_REQUEST, TEAMS_MAX_SUBSCRIPTION_MS } from './teams.manifest';
import { isPresenceResource, presenceResource, resourceIds, type SavedTeamsSubscription } from './teams.subscription-resource';

export { presenceResource, resourceIds, type SavedTeamsSubscription } from './teams.subscription-resource';

export interface SubscriptionManagerOptions {
  client: GraphClient;
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  clock?: TimerClock;
  /** Requested lifetime of the subscription; at most 60 minutes (default 59). */
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
  /** The same ids, lower-cased. */
  keys: Set<string>;
  expiresAt: number;
  clientState: string;
  /** Since when notifications for these ids are guaranteed (creation, or the last confirmed renew after a gap). */
  coveredSince: number;
  /** While true (restored and not yet renewed, reauthorizationRequired or missed not yet answered) the ids are polled. */
  suspended: boolean;
}

const key = (id: string): string => id.toLowerCase();

function live(id: string, resource: string, ids: string[], expiresAt: number, clientState: string, coveredSince: number, suspended: boolean): Live {
  return { id, resource, ids, keys: new Set(ids.map(key)), expiresAt, clientState, coveredSince, suspended };
}

/**
 * Owns the one Graph presence subscription of a delegated connection. Graph allows one presence subscription per
 * signed-in user per application (a second create answers 409 Conflict), so it covers the first 650 tracked ids and
 * the rest are polled. When the tracked ids change it replaces the subscription: delete, then create (the ids are
 * polled in between). It renews before the 60-minute expiry and answers lifecycle events. Work is serialized;
 * timers run on the injected clock.
 */
export class TeamsSubscriptionManager {
  private sub?: Live;
  /** Saved before a restart, not yet proven by a renew (an older version saved one per 650 ids: extras are deleted). */
  private restored: Live[] = [];
  private readonly timers: Timers;
  private tracked = new Set<string>();
  private trackedIds: string[] = [];
  private queue: Promise<void> = Promise.resolve();
  private pendingReconcile?: Promise<void>;
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
      this.restored.push(live(saved.id, saved.resource, resourceIds(saved.resource), expiresAt, saved.clientState, Number.POSITIVE_INFINITY, true));
    }
  }

  private get lifetimeMs(): number {
    return Math.min(this.o.lifetimeMs ?? 59 * 60_000, TEAMS_MAX_SUBSCRIPTION_MS);
  }

  /** Renews a restored subscription (proving it still exists) and subscribes the tracked ids. */
  start(): Promise<void> {
    this.started = true;
    return this.enqueue(async () => {
      for (const restored of this.restored.splice(0)) {
        if (this.sub) await this.remove(restored);
        else {
          this.sub = restored;
          await this.renew(restored);
        }
      }
      await this.reconcile();
    });
  }

  /** Deletes the subscription and stops renewing; a later `start` subscribes again. */
  async stop(): Promise<void> {
    this.started = false;
    this.pendingReconcile = undefined;
    this.clearTimer();
    await this.queue.catch(() => undefined);
    await this.unsubscribeAll();
  }

  /** Remembers the ids; the subscription follows them once `start` has been called (push is opt-in per startPush). */
  setTrackedIds(ids: readonly string[]): Promise<void> {
    this.trackedIds = [...new Set(ids)];
    this.tracked = new Set(this.trackedIds.map(key));
    if (!this.started) return Promise.resolve();
    // Ids often change in bursts (people linked one by one): one queued reconcile serves them all.
    this.pendingReconcile ??= this.enqueue(async () => {
      this.pendingReconcile = undefined;
      await this.reconcile();
    });
    return this.pendingReconcile;
  }

  /** When the id's notifications became guaranteed, or undefined when it is not covered by a live subscription. */
  coveredSince(id: string): number | undefined {
    const sub = this.sub;
    if (!sub || sub.suspended || sub.expiresAt <= this.timers.now() || !sub.keys.has(key(id))) return undefined;
    return sub.coveredSince;
  }

  /** Ids covered right now, lower-cased. */
  coveredIds(): ReadonlySet<string> {
    const sub = this.sub;
    return sub && !sub.suspended && sub.expiresAt > this.timers.now() ? sub.keys : new Set();
  }

  clientStateOf(subscriptionId: string): string | undefined {
    return [this.sub, ...this.restored].find((sub) => sub?.id === subscriptionId)?.clientState;
  }

  saved(): SavedTeamsSubscription[] {
    const subs = [...(this.sub ? [this.sub] : []), ...this.restored];
    return subs.map((sub) => ({ id: sub.id, resource: sub.resource, expirationDateTime: new Date(sub.expiresAt).toISOString(), clientState: sub.clientState }));
  }

  error(): PresenceError | undefined {
    return this.lastError;
  }

  /** reauthorizationRequired: reauthorize, else renew, else recreate; subscriptionRemoved: recreate; missed: renew, poll meanwhile. */
  handleLifecycle(events: readonly GraphLifecycleEvent[]): Promise<void> {
    return this.enqueue(async () => {
      for (const event of events) {
        const sub = this.sub;
        if (!sub || sub.id !== event.subscriptionId) continue;
        if (event.lifecycleEvent === 'reauthorizationRequired') {
          sub.suspended = true;
          this.o.onChange?.();
          await this.reauthorize(sub);
        } else if (event.lifecycleEvent === 'subscriptionRemoved') {
          this.sub = undefined;
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

  /** Stops timers; with `unsubscribe`, deletes the subscription on Graph too. */
  async close(unsubscribe: boolean): Promise<void> {
    this.closed = true;
    this.clearTimer();
    await this.queue.catch(() => undefined);
    if (unsubscribe) await this.unsubscribeAll();
  }

  private async unsubscribeAll(): Promise<void> {
    const subs = [...(this.sub ? [this.sub] : []), ...this.restored];
    this.sub = undefined;
    this.restored = [];
    await Promise.allSettled(subs.map((sub) => this.o.client.deleteSubscription(sub.id)));
    this.o.save?.([]);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(async () => {
      if (this.closed || !this.started) return;
      await task();
      this.afterWork();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The ids the subscription should name: those it names and still tracked first (no churn), then the rest, 650 at most. */
  private wantedIds(): string[] {
    const kept = (this.sub?.ids ?? []).filter((id) => this.tracked.has(key(id)));
    const keptKeys = new Set(kept.map(key));
    return [...kept, ...this.trackedIds.filter((id) => !keptKeys.has(key(id)))].slice(0, TEAMS_MAX_IDS_PER_REQUEST);
  }

  private async reconcile(): Promise<void> {
    if (this.sub && this.sub.expiresAt <= this.timers.now()) this.sub = undefined;
    const wanted = this.wantedIds();
    const current = this.sub;
    if (current && wanted.length === current.ids.length && wanted.every((id) => current.keys.has(key(id)))) return;
    // One subscription per user per app: the old one goes before the new one is made; meanwhile its ids are polled.
    if (current) await this.remove(current);
    if (wanted.length > 0 && !this.closed && this.started) await this.create(wanted);
  }

  private async create(ids: string[], afterConflict = false): Promise<void> {
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
      this.sub = live(created.id, resource, ids, Date.parse(created.expirationDateTime), clientState, this.timers.now(), false);
      this.lastError = undefined;
    } catch (error) {
      if (!afterConflict && isPresenceError(error) && error.status === 409 && (await this.deleteStrays())) return this.create(ids, true);
      this.fail(error);
    }
  }

  /**
   * A presence subscription we no longer know (a crash lost the saved state, a delete failed) blocks a new one.
   * Its clientState is gone, so it cannot be adopted: delete it. Returns whether any was deleted.
   */
  private async deleteStrays(): Promise<boolean> {
    try {
      const strays = (await this.o.client.listSubscriptions()).filter((sub) => isPresenceResource(sub.resource) && sub.id !== this.sub?.id);
      for (const stray of strays) await this.o.client.deleteSubscription(stray.id);
      return strays.length > 0;
    } catch {
      return false;
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
      if (isPresenceError(error) && error.code === 'NOT_FOUND') this.drop(sub);
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
        this.drop(sub);
        return;
      }
    }
    // Renewing also reauthorizes, and pushes the expiry out; it decides what happens when reauthorize failed.
    if (sub.suspended || sub.expiresAt - this.timers.now() < this.lifetimeMs / 2) await this.renew(sub);
  }

  private async remove(sub: Live): Promise<void> {
    this.drop(sub);
    try {
      await this.o.client.deleteSubscription(sub.id);
    } catch (error) {
      // Creating the next one will meet a 409 and delete it as a stray; otherwise it expires within the hour.
      this.fail(error);
    }
  }

  private drop(sub: Live): void {
    if (this.sub === sub) this.sub = undefined;
  }

  private fail(error: unknown): void {
    this.lastError = isPresenceError(error) ? error : new PresenceError('TRANSIENT', String(error), { platform: 'teams', cause: error });
  }

  /** Saves, reports, and arms one timer for the renew (or a retry after a failure). */
  private afterWork(): void {
    this.o.save?.(this.saved());
    this.o.onChange?.(this.lastError);
    this.clearTimer();
    if (this.closed || !this.started) return;
    const now = this.timers.now();
    let due = this.sub ? this.sub.expiresAt - (this.o.renewBeforeMs ?? 10 * 60_000) : Number.POSITIVE_INFINITY;
    const uncovered = this.tracked.size > 0 && (!this.sub || this.sub.suspended);
    if (this.lastError !== undefined || uncovered) due = Math.min(due, now + (this.o.retryMs ?? 60_000));
    if (!Number.isFinite(due)) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.enqueue(() => this.renewDue()).catch(() => undefined);
    }, Math.max(0, due - now));
  }

  private async renewDue(): Promise<void> {
    const sub = this.sub;
    if (sub && (sub.expiresAt - (this.o.renewBeforeMs ?? 10 * 60_000) <= this.timers.now() || sub.suspended)) await this.renew(sub);
    await this.reconcile();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

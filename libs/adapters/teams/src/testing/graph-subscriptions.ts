import { randomBytes, randomUUID, type X509Certificate } from 'node:crypto';
import type { Clock } from '@amo/presence-core';
import type { ChangeNotification, ChangeNotificationCollection, LifecycleEventType, Subscription } from '@microsoft/microsoft-graph-types';
import type { GraphPresence } from '../teams.presence';
import { encryptForCertificate } from './graph-crypto';

/** One presence subscription as the emulator holds it. */
export interface EmulatedSubscription {
  id: string;
  resource: string;
  /** Lower-cased user ids the filter names. */
  userIds: Set<string>;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  clientState?: string;
  expiresAt: number;
  tenantId: string;
  applicationId: string;
  creatorId: string;
  includeResourceData: boolean;
  certificate?: X509Certificate;
  encryptionCertificateId?: string;
  /** Set by a reauthorizationRequired event; notifications are held back until reauthorize or renew. */
  reauthorizationRequired: boolean;
}

/** One POST the emulator made to a subscriber (notification, lifecycle event or validation). */
export interface DeliveryRecord {
  kind: 'notification' | 'lifecycle' | 'validation';
  url: string;
  subscriptionId?: string;
  status: number | 'error';
  body: unknown;
  at: number;
}

const RESOURCE_FILTER = /^\/?communications\/presences\?\$filter=id\s+in\s+\((.*)\)\s*$/i;
const RESOURCE_SINGLE = /^\/?communications\/presences\/([^/?]+)$/i;

/** Ids named by a presence subscription resource, or undefined when the resource is not one. */
export function parsePresenceResource(resource: string): string[] | undefined {
  const single = RESOURCE_SINGLE.exec(resource);
  if (single) return [single[1]];
  const filter = RESOURCE_FILTER.exec(resource);
  if (!filter) return undefined;
  const ids = filter[1].split(',').map((part) => /^\s*'([^']+)'\s*$/.exec(part)?.[1]);
  return ids.every((id): id is string => id !== undefined) ? ids : undefined;
}

export function subscriptionJson(sub: EmulatedSubscription): Subscription & { '@odata.context': string } {
  return {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity',
    id: sub.id,
    resource: sub.resource,
    applicationId: sub.applicationId,
    changeType: sub.changeType,
    clientState: sub.clientState ?? null,
    notificationUrl: sub.notificationUrl,
    lifecycleNotificationUrl: sub.lifecycleNotificationUrl ?? null,
    expirationDateTime: new Date(sub.expiresAt).toISOString(),
    creatorId: sub.creatorId,
    includeResourceData: sub.includeResourceData,
    encryptionCertificateId: sub.encryptionCertificateId ?? null,
    latestSupportedTlsVersion: 'v1_2',
  };
}

/** Holds subscriptions, expires them on the emulator clock, and POSTs notifications to subscribers. */
export class GraphSubscriptionStore {
  readonly deliveries: DeliveryRecord[] = [];
  /** How many of the newest POSTs `deliveries` keeps (every one by default). */
  deliveryLogLimit = Number.POSITIVE_INFINITY;
  private readonly subscriptions = new Map<string, EmulatedSubscription>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly clock: Clock,
    private readonly deliveryTimeoutMs: number,
  ) {}

  add(sub: Omit<EmulatedSubscription, 'id' | 'reauthorizationRequired'>): EmulatedSubscription {
    const created: EmulatedSubscription = { ...sub, id: randomUUID(), reauthorizationRequired: false };
    this.subscriptions.set(created.id, created);
    return created;
  }

  /** Live subscriptions (expired ones are dropped, as Graph deletes them). */
  list(): EmulatedSubscription[] {
    const now = this.clock.now();
    for (const [id, sub] of this.subscriptions) if (sub.expiresAt <= now) this.subscriptions.delete(id);
    return [...this.subscriptions.values()];
  }

  get(id: string): EmulatedSubscription | undefined {
    return this.list().find((sub) => sub.id === id);
  }

  delete(id: string): boolean {
    return this.subscriptions.delete(id);
  }

  /**
   * The live presence subscription this user already holds for this application, if any: Graph allows one
   * (a second create answers 409 Conflict until the first is deleted or expires).
   */
  presenceHeldBy(tenantId: string, applicationId: string, creatorId: string): EmulatedSubscription | undefined {
    return this.list().find((sub) => sub.tenantId === tenantId && sub.applicationId === applicationId && sub.creatorId === creatorId);
  }

  clear(): void {
    this.subscriptions.clear();
  }

  /** Sends one notification per subscription covering any of the changed users (all its users in one POST). */
  notify(changed: readonly GraphPresence[]): void {
    for (const sub of this.list()) {
      const mine = changed.filter((presence) => sub.userIds.has(presence.id.toLowerCase()));
      if (mine.length === 0 || sub.reauthorizationRequired) continue;
      const body: ChangeNotificationCollection = { value: mine.map((presence) => this.notification(sub, presence)) };
      this.post('notification', sub.notificationUrl, body, sub.id);
    }
  }

  /** Sends a lifecycle event (to the lifecycle URL; Graph sends none when a subscription has no such URL). */
  lifecycle(sub: EmulatedSubscription, lifecycleEvent: LifecycleEventType): boolean {
    if (lifecycleEvent === 'reauthorizationRequired') sub.reauthorizationRequired = true;
    if (lifecycleEvent === 'subscriptionRemoved') this.subscriptions.delete(sub.id);
    if (!sub.lifecycleNotificationUrl) return false;
    const event: ChangeNotification & { organizationId: string } = {
      subscriptionId: sub.id,
      subscriptionExpirationDateTime: new Date(sub.expiresAt).toISOString(),
      tenantId: sub.tenantId,
      clientState: sub.clientState,
      lifecycleEvent,
      resource: sub.resource,
      organizationId: sub.tenantId,
    };
    const body: ChangeNotificationCollection = { value: [event] };
    this.post('lifecycle', sub.lifecycleNotificationUrl, body, sub.id);
    return true;
  }

  /** Graph's validation handshake: POST ?validationToken=, the answer must be 200 and echo it within the timeout. */
  async validate(url: string): Promise<boolean> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()} ${randomBytes(6).toString('hex')}`;
    const target = new URL(url);
    target.searchParams.set('validationToken', token);
    try {
      const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, signal: AbortSignal.timeout(this.deliveryTimeoutMs) });
      const text = await response.text();
      this.record({ kind: 'validation', url, status: response.status, body: text, at: this.clock.now() });
      return response.status === 200 && text === token;
    } catch (error) {
      this.record({ kind: 'validation', url, status: 'error', body: String(error), at: this.clock.now() });
      return false;
    }
  }

  private record(delivery: DeliveryRecord): void {
    this.deliveries.push(delivery);
    if (this.deliveries.length > this.deliveryLogLimit) this.deliveries.splice(0, this.deliveries.length - this.deliveryLogLimit);
  }

  /** Resolves once every POST started so far has been answered (or failed). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private notification(sub: EmulatedSubscription, presence: GraphPresence): ChangeNotification {
    const resource = `communications/presences/${presence.id}`;
    const item: ChangeNotification & { organizationId: string } = {
      subscriptionId: sub.id,
      clientState: sub.clientState,
      changeType: 'updated',
      tenantId: sub.tenantId,
      resource,
      subscriptionExpirationDateTime: new Date(sub.expiresAt).toISOString(),
      resourceData: { '@odata.id': resource, '@odata.type': '#microsoft.graph.presence', id: presence.id },
      organizationId: sub.tenantId,
    };
    if (sub.includeResourceData && sub.certificate) {
      const rich = { '@odata.type': '#microsoft.graph.presence', '@odata.id': resource, ...presence };
      item.encryptedContent = encryptForCertificate(rich, sub.certificate, sub.encryptionCertificateId ?? '');
    }
    return item;
  }

  private post(kind: DeliveryRecord['kind'], url: string, body: unknown, subscriptionId: string): void {
    const task = (async () => {
      let status: number | 'error';
      try {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(this.deliveryTimeoutMs) });
        await response.arrayBuffer();
        status = response.status;
      } catch {
        status = 'error';
      }
      this.record({ kind, url, subscriptionId, status, body, at: this.clock.now() });
    })();
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }
}

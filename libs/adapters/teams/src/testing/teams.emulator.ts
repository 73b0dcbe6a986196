import { randomUUID } from 'node:crypto';
import { EmulatorServer, type EmulatorReply, type EmulatorRequest } from '@amo/presence-adapter-kit/testing';
import { type Clock, systemClock } from '@amo/presence-core';
import { TEAMS_MAX_IDS_PER_REQUEST, TEAMS_PRESENCE_BUDGET } from '../teams.manifest';
import type { GraphPresence } from '../teams.presence';
import { GraphDirectory, type GraphPresenceChange } from './graph-directory';
import { GraphSignIns } from './graph-authorize';
import { graphError, oauthError, unauthenticated } from './graph-replies';
import { mountSubscriptionRoutes } from './graph-subscription-routes';
import { type DeliveryRecord, type EmulatedSubscription, GraphSubscriptionStore } from './graph-subscriptions';
import { type DelegatedTokenSet, type GraphEmulatorTenant, GraphTokens, type IssuedToken } from './graph-tokens';

export interface GraphEmulatorOptions {
  /** Emulator time: token and subscription expiry, budget windows. Share it with the adapter under test. */
  clock?: Clock;
  /** App registrations; default one with random ids. */
  tenants?: GraphEmulatorTenant[];
  /** Access token lifetime (Graph: 3599 s). */
  tokenLifetimeSec?: number;
  /** Presence budget per tenant (Graph: 1,500 requests per 30 s). */
  budget?: { limit: number; windowMs: number };
  /**
   * Unknown ids in getPresencesByUserId: `omit` leaves them out (a batch of only unknown ids is 404),
   * `reject-batch` answers 404 for any batch naming one. The adapter handles both.
   */
  unknownIds?: 'omit' | 'reject-batch';
  /** How long a subscriber has to answer a validation or notification POST (Graph: 10 s). */
  deliveryTimeoutMs?: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PRESENCE_PATHS = /^\/v1\.0\/(communications\/getPresencesByUserId|communications\/presences\/[^/]+|users\/[^/]+\/presence)$/i;

/**
 * A Microsoft Graph emulator on 127.0.0.1: the identity platform's token endpoint (client credentials,
 * refresh tokens, and delegated sign-in through {@link GraphSignIns}, plus `issueDelegatedToken`), getPresencesByUserId with its 650-id cap and per-tenant
 * budget, single-user presence reads, presence subscriptions (validation handshake, 60-minute expiry, PATCH
 * renew, DELETE, reauthorize, basic or encrypted rich notifications, lifecycle events) and scripted changes.
 * Both base URLs (Graph and login) are `url`.
 */
export class GraphEmulator {
  readonly directory = new GraphDirectory();
  readonly tenants: GraphEmulatorTenant[];
  /** Delegated sign-in (authorize page and authorization-code grant), as the OAuth connect flow uses it. */
  readonly signIns: GraphSignIns;
  private readonly tokens: GraphTokens;
  private readonly store: GraphSubscriptionStore;
  private readonly clock: Clock;
  /** Tenants whose app secret was revoked ({@link revokeApp}). */
  private readonly revokedSecrets = new Set<string>();

  private constructor(
    readonly server: EmulatorServer,
    private readonly options: GraphEmulatorOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.tenants = options.tenants?.length
      ? options.tenants.map((tenant) => ({ presencePermission: true, ...tenant }))
      : [{ tenantId: randomUUID(), clientId: randomUUID(), clientSecret: `secret-${randomUUID()}`, presencePermission: true }];
    this.tokens = new GraphTokens(this.clock, options.tokenLifetimeSec ?? 3599);
    this.signIns = new GraphSignIns(this.clock);
    this.store = new GraphSubscriptionStore(this.clock, options.deliveryTimeoutMs ?? 10_000);
    this.directory.onChange((changed) => this.store.notify(changed));
  }

  static async start(options: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
    const server = await EmulatorServer.start({ clock: options.clock });
    const emulator = new GraphEmulator(server, options);
    emulator.mount();
    return emulator;
  }

  /** Base URL for both `graphBaseUrl` and `loginBaseUrl`. */
  get url(): string {
    return this.server.url;
  }

  /** The first tenant's app registration. */
  get tenant(): GraphEmulatorTenant {
    return this.tenants[0];
  }

  /** Seed-style credentials pointing an adapter at this emulator. */
  credentials(tenantId = this.tenant.tenantId): Record<string, string> {
    const tenant = this.findTenant(tenantId) ?? this.tenant;
    return { tenant_id: tenant.tenantId, client_id: tenant.clientId, client_secret: tenant.clientSecret, graph_base_url: this.url, login_base_url: this.url };
  }

  /** Adds users (ids, or a count of new GUIDs), Available by default. */
  addUsers(idsOrCount: readonly string[] | number): string[] {
    return this.directory.addUsers(idsOrCount);
  }

  /** Scripts one user's change; subscribers covering the user are notified. Returns the new presence. */
  setPresence(id: string, change: GraphPresenceChange): GraphPresence {
    return this.directory.apply([[id, change]])[0];
  }

  /** Scripts many changes at once (one notification POST per subscription). */
  setPresences(changes: ReadonlyArray<readonly [string, GraphPresenceChange]>): GraphPresence[] {
    return this.directory.apply(changes);
  }

  presenceOf(id: string): GraphPresence | undefined {
    return this.directory.get(id);
  }

  /** A delegated (signed-in user) token, as the OAuth flow would produce; what presence subscriptions need. */
  issueDelegatedToken(o: { userId?: string; tenantId?: string; lifetimeSec?: number } = {}): DelegatedTokenSet {
    return this.tokens.issueDelegated(this.findTenant(o.tenantId) ?? this.tenant, o.userId, o.lifetimeSec);
  }

  /** Invalidates every token issued so far: the next Graph call answers 401. */
  revokeTokens(): void {
    this.tokens.revokeAll();
  }

  /**
   * Every access token issued so far expires now: Graph answers 401 InvalidAuthenticationToken ("Access token has
   * expired or is not yet valid.") and the token endpoint issues a new one as usual.
   */
  expireTokens(): void {
    this.tokens.expireAll();
  }

  /**
   * The app's client secret is deleted in Entra ID: issued tokens are revoked and the token endpoint answers 401
   * `invalid_client` (AADSTS7000215) to the old secret until {@link restoreApp}.
   */
  revokeApp(tenantId = this.tenant.tenantId): void {
    this.revokedSecrets.add(tenantId.toLowerCase());
    this.tokens.revokeAll();
  }

  restoreApp(tenantId = this.tenant.tenantId): void {
    this.revokedSecrets.delete(tenantId.toLowerCase());
  }

  /** Grants or withdraws the application permission Presence.Read.All (403 Authorization_RequestDenied). */
  setPresencePermission(granted: boolean, tenantId = this.tenant.tenantId): void {
    const tenant = this.findTenant(tenantId);
    if (tenant) tenant.presencePermission = granted;
  }

  /** Live subscriptions (expired ones are gone, as in Graph). */
  subscriptions(): EmulatedSubscription[] {
    return this.store.list();
  }

  /** Sends a lifecycle event to a subscription's lifecycleNotificationUrl; returns false when it has none. */
  sendLifecycleEvent(subscriptionId: string, lifecycleEvent: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'): boolean {
    const sub = this.store.get(subscriptionId);
    if (!sub) throw new Error(`no live subscription ${subscriptionId}`);
    return this.store.lifecycle(sub, lifecycleEvent);
  }

  /** Every validation, notification and lifecycle POST made so far, with the subscriber's answer. */
  get deliveries(): DeliveryRecord[] {
    return this.store.deliveries;
  }

  /** Waits until every notification POST started so far has been answered. */
  flushDeliveries(): Promise<void> {
    return this.store.flush();
  }

  /** Presence reads refused with 429 over the per-tenant budget. */
  overBudgetCount(tenantId?: string): number {
    return tenantId === undefined ? this.server.overBudgetCount() : this.server.overBudgetCount(`presence:${tenantId.toLowerCase()}`);
  }

  /** getPresencesByUserId requests received so far. */
  presenceBatchRequests(): EmulatorRequest[] {
    return this.server.requestsTo('/v1.0/communications/getPresencesByUserId', 'POST');
  }

  /** Keeps only the newest `limit` entries of every log this emulator holds (sandbox mode runs for days). */
  limitLogs(limit: number): void {
    this.server.requestLogLimit = limit;
    this.store.deliveryLogLimit = limit;
  }

  async close(): Promise<void> {
    await this.store.flush();
    this.store.clear();
    await this.server.close();
  }

  private findTenant(tenantId: string | undefined): GraphEmulatorTenant | undefined {
    return tenantId === undefined ? undefined : this.tenants.find((tenant) => tenant.tenantId.toLowerCase() === tenantId.toLowerCase());
  }

  private mount(): void {
    const server = this.server;
    const budget = this.options.budget ?? TEAMS_PRESENCE_BUDGET;
    server.onOverBudget((_req, info) => graphError(429, 'TooManyRequests', 'Too many requests. Retry after the time in the Retry-After header.', { 'retry-after': String(info.retryAfterSec) }));
    for (const tenant of this.tenants) {
      server.budget(`presence:${tenant.tenantId.toLowerCase()}`, budget.limit, budget.windowMs, (req) => PRESENCE_PATHS.test(req.path) && this.tokens.check(req.headers.authorization)?.tenantId === tenant.tenantId);
    }
    server.route('GET', '/:tenant/oauth2/v2.0/authorize', (req) => this.signIns.authorize(req, this.findTenant(req.params['tenant'])));
    server.route('POST', '/:tenant/oauth2/v2.0/token', (req) => this.token(req));
    server.route('POST', '/v1.0/communications/getPresencesByUserId', (req) => this.batch(req));
    server.route('GET', '/v1.0/communications/presences/:id', (req) => this.single(req));
    server.route('GET', '/v1.0/users/:id/presence', (req) => this.single(req));
    mountSubscriptionRoutes({ server, tokens: this.tokens, store: this.store, clock: this.clock });
  }

  private token(req: EmulatorRequest): EmulatorReply {
    const tenant = this.findTenant(req.params['tenant']);
    if (!tenant) return oauthError(400, 'invalid_request', 90002, `Tenant '${req.params['tenant']}' not found.`);
    const form = (req.body ?? {}) as Record<string, string>;
    if (form['client_id'] !== tenant.clientId) return oauthError(400, 'unauthorized_client', 700016, `Application with identifier '${form['client_id']}' was not found in the directory.`);
    if (form['client_secret'] !== tenant.clientSecret || this.revokedSecrets.has(tenant.tenantId.toLowerCase())) return oauthError(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    if (form['grant_type'] === 'refresh_token') {
      const set = this.tokens.redeem(form['refresh_token'] ?? '', tenant);
      if (!set) return oauthError(400, 'invalid_grant', 70000, 'The provided grant is invalid or malformed.');
      return { json: { token_type: 'Bearer', scope: 'Presence.Read.All', expires_in: Math.round((set.expiresAt - this.clock.now()) / 1000), access_token: set.accessToken, refresh_token: set.refreshToken } };
    }
    if (form['grant_type'] === 'authorization_code') {
      const signedIn = this.signIns.redeem(form, tenant);
      if (!('userId' in signedIn)) return signedIn;
      const set = this.tokens.issueDelegated(tenant, signedIn.userId);
      return { json: { token_type: 'Bearer', scope: 'Presence.Read.All', expires_in: Math.round((set.expiresAt - this.clock.now()) / 1000), access_token: set.accessToken, refresh_token: set.refreshToken } };
    }
    if (form['grant_type'] !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    if (!/\/\.default$/.test(form['scope'] ?? '')) return oauthError(400, 'invalid_scope', 1002012, 'Client credential flows must have a scope value with /.default suffixed to the resource identifier.');
    const issued = this.tokens.issueApp(tenant);
    return { json: { token_type: 'Bearer', expires_in: issued.expiresIn, ext_expires_in: issued.expiresIn, access_token: issued.accessToken } };
  }

  private authorize(req: EmulatorRequest): IssuedToken | EmulatorReply {
    const token = this.tokens.check(req.headers.authorization);
    if (!token) return unauthenticated();
    const tenant = this.findTenant(token.tenantId);
    if (token.kind === 'app' && tenant?.presencePermission === false) return graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    return token;
  }

  private batch(req: EmulatorRequest): EmulatorReply {
    const token = this.authorize(req);
    if (!('kind' in token)) return token;
    const ids = (req.body as { ids?: unknown } | undefined)?.ids;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) return graphError(400, 'BadRequest', "The request body must carry a non-empty 'ids' array.");
    if (ids.length > TEAMS_MAX_IDS_PER_REQUEST) return graphError(400, 'BadRequest', `The number of ids (${ids.length}) exceeds the maximum of ${TEAMS_MAX_IDS_PER_REQUEST}.`);
    const invalid = ids.find((id) => !GUID.test(id));
    if (invalid !== undefined) return graphError(400, 'BadRequest', `Invalid user id '${invalid}'.`);
    const known = ids.map((id) => this.directory.get(id)).filter((presence): presence is GraphPresence => presence !== undefined);
    const reject = this.options.unknownIds === 'reject-batch' ? known.length < ids.length : known.length === 0;
    if (reject) return graphError(404, 'NotFound', 'One or more of the requested users were not found.');
    return { json: { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.presence)', value: known.map(presenceJson) } };
  }

  private single(req: EmulatorRequest): EmulatorReply {
    const token = this.authorize(req);
    if (!('kind' in token)) return token;
    const presence = this.directory.get(req.params['id'] ?? '');
    return presence ? { json: presenceJson(presence) } : graphError(404, 'ResourceNotFound', `User '${req.params['id']}' was not found.`);
  }
}

function presenceJson(presence: GraphPresence): GraphPresence & { '@odata.type': string } {
  return { '@odata.type': '#microsoft.graph.presence', ...presence };
}

import { type HttpClientTuning, httpClientTuning, PlatformHttpClient, type RateBudgetRegistry, type TokenProvider } from '@amo/presence-adapter-kit';
import { isPresenceError } from '@amo/presence-core';
import type { Subscription } from '@microsoft/microsoft-graph-types';
import { parseTeamsError } from './teams.errors';
import { teamsPresenceBucket } from './teams.manifest';
import type { GraphPresence } from './teams.presence';

export interface GraphClientOptions extends HttpClientTuning {
  graphBaseUrl: string;
  tenantId: string;
  auth: TokenProvider;
  budgets: RateBudgetRegistry;
}

/** A subscription as Graph returns it (id, resource and expiry are always present in its answers). */
export type GraphSubscription = Subscription & { id: string; resource: string; expirationDateTime: string };

export interface CreateSubscriptionRequest {
  resource: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  expirationDateTime: string;
  clientState: string;
  encryption?: { certificate: string; certificateId: string };
}

/**
 * Microsoft Graph v1.0 over the kit's client: every presence call is counted in the tenant's bucket, so all
 * adapters sharing the registry share Graph's 1,500 requests / 30 s. One instance per token (app or delegated).
 */
export class GraphClient {
  private readonly http: PlatformHttpClient;
  private readonly bucket: string;

  constructor(o: GraphClientOptions) {
    this.bucket = teamsPresenceBucket(o.tenantId);
    this.http = new PlatformHttpClient({
      ...httpClientTuning(o, o),
      platform: 'teams',
      baseUrl: `${o.graphBaseUrl.replace(/\/+$/, '')}/v1.0`,
      parseError: (outcome) => parseTeamsError(outcome, o.clock),
      auth: o.auth,
    });
  }

  /** POST /communications/getPresencesByUserId for at most 650 ids; unknown ids are simply absent. */
  async getPresencesByUserId(ids: readonly string[]): Promise<GraphPresence[]> {
    const response = await this.http.request<{ value?: GraphPresence[] }>({
      method: 'POST',
      path: '/communications/getPresencesByUserId',
      json: { ids },
      bucket: this.bucket,
      // A batch without budget right now is skipped (NoBudgetNowError, nothing sent), never waited for.
      budgetWait: false,
    });
    const value = response.body?.value;
    if (!Array.isArray(value)) throw parseTeamsError({ kind: 'malformed', status: response.status, headers: response.headers, text: response.text });
    return value.filter((item): item is GraphPresence => typeof item?.id === 'string');
  }

  async createSubscription(request: CreateSubscriptionRequest): Promise<GraphSubscription> {
    const json: Subscription = {
      changeType: 'updated',
      resource: request.resource,
      notificationUrl: request.notificationUrl,
      expirationDateTime: request.expirationDateTime,
      clientState: request.clientState,
    };
    if (request.lifecycleNotificationUrl) json.lifecycleNotificationUrl = request.lifecycleNotificationUrl;
    if (request.encryption) {
      Object.assign(json, { includeResourceData: true, encryptionCertificate: request.encryption.certificate, encryptionCertificateId: request.encryption.certificateId } satisfies Subscription);
    }
    // Creation makes Graph run the validation handshake against our webhook, which may take up to 10 s.
    const response = await this.http.request<GraphSubscription>({ method: 'POST', path: '/subscriptions', json, timeoutMs: 30_000, retry: false });
    return response.body;
  }

  async renewSubscription(id: string, expirationDateTime: string): Promise<GraphSubscription> {
    const json: Subscription = { expirationDateTime };
    const response = await this.http.request<GraphSubscription>({ method: 'PATCH', path: `/subscriptions/${encodeURIComponent(id)}`, json });
    return response.body;
  }

  /** GET /subscriptions: the ones this app holds for the signed-in user (delegated), first page. */
  async listSubscriptions(): Promise<GraphSubscription[]> {
    const response = await this.http.request<{ value?: GraphSubscription[] }>({ method: 'GET', path: '/subscriptions' });
    const value = response.body?.value;
    return Array.isArray(value) ? value.filter((sub) => typeof sub?.id === 'string') : [];
  }

  async reauthorizeSubscription(id: string): Promise<void> {
    await this.http.request({ method: 'POST', path: `/subscriptions/${encodeURIComponent(id)}/reauthorize` });
  }

  /** Deletes a subscription; one that is already gone (404) counts as deleted. */
  async deleteSubscription(id: string): Promise<void> {
    try {
      await this.http.request({ method: 'DELETE', path: `/subscriptions/${encodeURIComponent(id)}` });
    } catch (error) {
      if (!(isPresenceError(error) && error.code === 'NOT_FOUND')) throw error;
    }
  }

  health(): ReturnType<PlatformHttpClient['health']> {
    return this.http.health();
  }

  close(): void {
    this.http.close();
  }
}

import { type HttpClientTuning, httpClientTuning, PlatformHttpClient, RateBudgetRegistry } from '@amo/presence-adapter-kit';
import type { AdapterHealth } from '@amo/presence-core';
import { parseWhatsAppError } from './whatsapp.errors';
import { whatsappManifest } from './whatsapp.manifest';

/**
 * The phone number object Graph returns for `GET /{version}/{phone-number-id}`. Hand-written; follows the Graph
 * API reference "WhatsApp Business Phone Number" (developers.facebook.com, Graph API reference).
 */
export interface WhatsAppPhoneNumber {
  id: string;
  display_phone_number?: string;
  verified_name?: string;
  quality_rating?: string;
  code_verification_status?: string;
  platform_type?: string;
}

export interface WhatsAppGraphClientOptions extends HttpClientTuning {
  accessToken: string;
  graphBaseUrl?: string;
  apiVersion?: string;
}

const BUCKET = whatsappManifest.rateBudgets[0].bucket;

/** The one Graph API read the adapter makes: the business phone number, to prove the token works. */
export class WhatsAppGraphClient {
  private readonly http: PlatformHttpClient;
  private readonly apiVersion: string;
  // A static token: sent as a header rather than through a TokenProvider, whose 401 "refresh and retry" would
  // only resend the same token.
  private readonly authorization: string;

  constructor(options: WhatsAppGraphClientOptions) {
    this.apiVersion = options.apiVersion ?? whatsappManifest.apiVersion.default;
    this.authorization = `Bearer ${options.accessToken}`;
    const clock = options.clock;
    const budgets = options.budgets ?? new RateBudgetRegistry(clock);
    budgets.define(whatsappManifest.rateBudgets[0]);
    this.http = new PlatformHttpClient({
      ...httpClientTuning(options, options),
      platform: 'whatsapp',
      baseUrl: (options.graphBaseUrl ?? whatsappManifest.baseUrls.graph.default).replace(/\/+$/, ''),
      parseError: (outcome) => parseWhatsAppError(outcome, clock ? clock.now() : Date.now()),
      budgets,
    });
  }

  /** Reads the phone number object; throws PresenceError (AUTH_INVALID for a bad or expired token). */
  async phoneNumber(phoneNumberId: string): Promise<WhatsAppPhoneNumber> {
    const response = await this.http.request<WhatsAppPhoneNumber>({
      path: `/${encodeURIComponent(this.apiVersion)}/${encodeURIComponent(phoneNumberId)}`,
      query: { fields: 'id,display_phone_number,verified_name,quality_rating,code_verification_status' },
      headers: { Authorization: this.authorization },
      bucket: BUCKET,
    });
    return response.body;
  }

  health(): AdapterHealth {
    return this.http.health();
  }

  close(): void {
    this.http.close();
  }
}

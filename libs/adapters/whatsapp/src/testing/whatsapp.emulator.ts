import { randomBytes } from 'node:crypto';
import { EmulatorServer, type EmulatorReply, type EmulatorRequest } from '@amo/presence-adapter-kit/testing';
import type { Clock } from '@amo/presence-core';
import { WhatsAppWebhookSender } from './whatsapp.webhook-sender';
import type { WhatsAppBusinessNumber } from './whatsapp.payloads';
import { newWamid } from './whatsapp.payloads';

export interface WhatsAppEmulatorOptions {
  accessToken?: string;
  phoneNumberId?: string;
  displayPhoneNumber?: string;
  verifiedName?: string;
  wabaId?: string;
  appSecret?: string;
  verifyToken?: string;
  clock?: Clock;
}

/** A message the business sent through the emulator: the only ones whose statuses it may later report. */
export interface SentMessage {
  id: string;
  to: string;
  at: number;
}

const fbtraceId = (): string => randomBytes(8).toString('base64url');

/** Graph's error body, e.g. 190 OAuthException for a bad token. */
export function graphError(status: number, code: number, message: string, extra: Record<string, unknown> = {}): EmulatorReply {
  const headers: Record<string, string> = { 'x-fb-trace-id': fbtraceId() };
  if (code === 190) headers['www-authenticate'] = `OAuth "Facebook Platform" "invalid_token" "${message}"`;
  return { status, headers, json: { error: { message, type: 'OAuthException', code, ...extra, fbtrace_id: fbtraceId() } } };
}

/**
 * The WhatsApp Cloud API on loopback: the Graph reads an adapter makes (the phone number object, with Graph's
 * error shapes), the send endpoint, and a webhook sender that calls the service like Meta does (verification
 * GET, signed and mis-signed POSTs, duplicates, out-of-order deliveries).
 */
export class WhatsAppEmulator {
  readonly accessToken: string;
  readonly phoneNumberId: string;
  readonly appSecret: string;
  readonly verifyToken: string;
  readonly number: WhatsAppBusinessNumber;
  readonly webhooks: WhatsAppWebhookSender;
  readonly sent: SentMessage[] = [];
  private readonly verifiedName: string;
  private tokenRevoked = false;

  private constructor(readonly server: EmulatorServer, options: WhatsAppEmulatorOptions, private readonly clock: Clock) {
    this.accessToken = options.accessToken ?? 'EAAG-emulated-system-user-token';
    this.phoneNumberId = options.phoneNumberId ?? '106540352242922';
    this.appSecret = options.appSecret ?? 'emulated-app-secret';
    this.verifyToken = options.verifyToken ?? 'emulated-verify-token';
    this.verifiedName = options.verifiedName ?? 'Emulated Business';
    this.number = {
      wabaId: options.wabaId ?? '102290129340398',
      phoneNumberId: this.phoneNumberId,
      displayPhoneNumber: options.displayPhoneNumber ?? '15550783881',
    };
    this.webhooks = new WhatsAppWebhookSender({ appSecret: this.appSecret, verifyToken: this.verifyToken, number: this.number, clock });
  }

  static async start(options: WhatsAppEmulatorOptions = {}): Promise<WhatsAppEmulator> {
    const clock = options.clock ?? { now: () => Date.now() };
    const server = await EmulatorServer.start({ clock });
    const emulator = new WhatsAppEmulator(server, options, clock);
    emulator.install();
    return emulator;
  }

  /** Point the adapter's `graphBaseUrl` here. */
  get graphBaseUrl(): string {
    return this.server.url;
  }

  /** From now on the token is invalid (an expired or revoked System User token): reads answer 401, code 190. */
  revokeToken(): void {
    this.tokenRevoked = true;
  }

  /** Adapter-facing credentials record in the seed's keys. */
  credentials(): Record<string, string> {
    return { api_key: this.accessToken, phone_number_id: this.phoneNumberId, app_secret: this.appSecret, verify_token: this.verifyToken };
  }

  /** Keeps only the newest `limit` entries of every log this emulator holds (sandbox mode runs for days). */
  limitLogs(limit: number): void {
    this.server.requestLogLimit = limit;
    this.webhooks.deliveryLogLimit = limit;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private install(): void {
    this.server.onOverBudget((_req, info) => {
      const reply = graphError(429, 4, '(#4) Application request limit reached', { is_transient: true });
      const usage = { [this.number.wabaId]: [{ type: 'whatsapp_business_management', call_count: 100, estimated_time_to_regain_access: Math.ceil(info.retryAfterSec / 60) }] };
      return { ...reply, headers: { ...reply.headers, 'retry-after': String(info.retryAfterSec), 'x-business-use-case-usage': JSON.stringify(usage) } };
    });
    this.server.route('GET', '/:version/:id', (req) => this.readPhoneNumber(req));
    this.server.route('POST', '/:version/:id/messages', (req) => this.sendMessage(req));
  }

  private authFailure(req: EmulatorRequest): EmulatorReply | undefined {
    if (!/^v\d+\.\d+$/.test(req.params['version'] ?? '')) {
      return graphError(400, 2500, `Unknown path components: /${req.params['version']}`);
    }
    const header = req.headers['authorization'];
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : req.query['access_token'];
    if (!token) return graphError(400, 2500, 'An active access token must be used to query information about the current user.');
    if (token !== this.accessToken || this.tokenRevoked) {
      return graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
    }
    return undefined;
  }

  private unknownObject(id: string): EmulatorReply {
    return graphError(
      400,
      100,
      `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      { error_subcode: 33 },
    );
  }

  private readPhoneNumber(req: EmulatorRequest): EmulatorReply {
    const failure = this.authFailure(req);
    if (failure) return failure;
    if (req.params['id'] !== this.phoneNumberId) return this.unknownObject(req.params['id'] ?? '');
    const all: Record<string, unknown> = {
      verified_name: this.verifiedName,
      code_verification_status: 'VERIFIED',
      display_phone_number: this.number.displayPhoneNumber,
      quality_rating: 'GREEN',
      platform_type: 'CLOUD_API',
      throughput: { level: 'STANDARD' },
      id: this.phoneNumberId,
    };
    const fields = req.query['fields']?.split(',').map((field) => field.trim());
    const json = fields ? Object.fromEntries(Object.entries(all).filter(([key]) => key === 'id' || fields.includes(key))) : all;
    return { status: 200, headers: { 'x-fb-trace-id': fbtraceId() }, json };
  }

  private sendMessage(req: EmulatorRequest): EmulatorReply {
    const failure = this.authFailure(req);
    if (failure) return failure;
    if (req.params['id'] !== this.phoneNumberId) return this.unknownObject(req.params['id'] ?? '');
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body['messaging_product'] !== 'whatsapp') {
      return graphError(400, 100, '(#100) The parameter messaging_product is required.');
    }
    const to = typeof body['to'] === 'string' ? body['to'].replace(/^\+/, '') : '';
    if (!/^\d{6,15}$/.test(to)) return graphError(400, 100, '(#100) Invalid parameter', { error_subcode: 2494010 });
    const message = { id: newWamid(), to, at: this.clock.now() };
    this.sent.push(message);
    return { status: 200, json: { messaging_product: 'whatsapp', contacts: [{ input: body['to'], wa_id: to }], messages: [{ id: message.id }] } };
  }
}

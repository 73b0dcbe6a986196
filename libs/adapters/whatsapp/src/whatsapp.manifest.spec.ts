import { z } from 'zod';
import { createWhatsAppAdapter } from './whatsapp.adapter';
import { whatsappManifest } from './whatsapp.manifest';

const schema = z.object({
  platform: z.literal('whatsapp'),
  displayName: z.string().min(1),
  auth: z.object({ mode: z.literal('bearer-token'), header: z.string(), scheme: z.literal('Bearer'), invalidTokenErrorCode: z.number() }),
  credentials: z
    .array(
      z.object({
        key: z.string().regex(/^[a-z_]+$/),
        aliases: z.array(z.string().min(1)),
        secret: z.boolean(),
        required: z.boolean(),
        description: z.string().min(1),
      }),
    )
    .min(1),
  baseUrls: z.record(z.string(), z.object({ configKey: z.string(), default: z.string().url() })),
  apiVersion: z.object({ configKey: z.string(), default: z.string().regex(/^v\d+\.\d+$/) }),
  endpoints: z.record(z.string(), z.string().startsWith('/')),
  defaultIntervalMs: z.literal(0),
  recencyWindowMs: z.number().int().positive(),
  rateBudgets: z.array(z.object({ bucket: z.string().startsWith('whatsapp:'), limit: z.number().positive(), windowMs: z.number().positive() })).min(1),
  rateLimitErrorCodes: z.array(z.number().int()),
  webhook: z.object({
    verification: z.object({ modeParam: z.string(), tokenParam: z.string(), challengeParam: z.string(), mode: z.literal('subscribe') }),
    signatureHeader: z.literal('x-hub-signature-256'),
    signatureFormat: z.string(),
    object: z.literal('whatsapp_business_account'),
    field: z.literal('messages'),
  }),
  signals: z.record(z.enum(['message', 'read', 'delivered']), z.object({ strength: z.enum(['strong', 'weak']), updatesLastSeen: z.boolean(), id: z.string() })),
  capabilities: z.object({
    freshness: z.literal('inferred'),
    poll: z.literal(false),
    push: z.literal(true),
    inferred: z.literal(true),
    batchSize: z.number().int().positive(),
    fields: z.array(z.enum(['activity', 'customMessage', 'lastSeen', 'devices', 'expiresAt', 'sequence'])),
  }),
});

describe('whatsappManifest', () => {
  it('matches the manifest schema', () => {
    expect(() => schema.parse(whatsappManifest)).not.toThrow();
  });

  it('marks the token and both webhook secrets as secret and accepts the seed keys and env names', () => {
    const secrets = whatsappManifest.credentials.filter((field) => field.secret).map((field) => field.key);
    expect(secrets.sort()).toEqual(['api_key', 'app_secret', 'verify_token']);
    const required = whatsappManifest.credentials.filter((field) => field.required).map((field) => field.key);
    expect(required.sort()).toEqual(['api_key', 'phone_number_id']);
    const aliases = whatsappManifest.credentials.flatMap((field) => field.aliases);
    for (const env of ['WHATSAPP_API_KEY', 'WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN']) {
      expect(aliases).toContain(env);
    }
  });

  it('says a delivered receipt never counts as being seen', () => {
    expect(whatsappManifest.signals.delivered).toMatchObject({ strength: 'weak', updatesLastSeen: false });
    expect(whatsappManifest.signals.message.updatesLastSeen).toBe(true);
    expect(whatsappManifest.signals.read.updatesLastSeen).toBe(true);
  });

  it('is what the adapter declares', () => {
    const adapter = createWhatsAppAdapter({ credentials: { apiKey: 't', phoneNumberId: '1' } });
    expect(adapter.capabilities).toEqual({ ...whatsappManifest.capabilities, rateBudgets: whatsappManifest.rateBudgets });
    expect(whatsappManifest.baseUrls.graph.default).toBe('https://graph.facebook.com');
  });
});

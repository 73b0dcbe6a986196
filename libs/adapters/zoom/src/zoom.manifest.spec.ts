import { z } from 'zod';
import { zoomManifest } from './zoom.manifest';

const url = z.string().url();
const schema = z.object({
  platform: z.literal('zoom'),
  displayName: z.string().min(1),
  auth: z.object({
    mode: z.literal('oauth2-client-credentials'),
    grantType: z.literal('account_credentials'),
    tokenPath: z.string().startsWith('/'),
    clientAuth: z.enum(['basic', 'body']),
    paramsIn: z.enum(['query', 'body']),
    tokenTtlSec: z.number().int().positive(),
    refreshToken: z.boolean(),
    refreshMarginMs: z.number().int().positive(),
    scopes: z.array(z.string().min(1)).min(1),
  }),
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
  baseUrls: z.record(z.string(), z.object({ configKey: z.string(), default: url })),
  endpoints: z.record(z.string(), z.string().startsWith('/')),
  defaultIntervalMs: z.number().int().positive(),
  rateBudgets: z.array(z.object({ bucket: z.string().startsWith('zoom:'), limit: z.number().positive(), windowMs: z.number().positive() })).min(1),
  rateLimitHeaders: z.record(z.string(), z.string()),
  webhook: z.object({
    events: z.array(z.string()),
    signatureHeader: z.string(),
    timestampHeader: z.string(),
    toleranceSec: z.number().positive(),
  }),
  capabilities: z.object({
    freshness: z.enum(['push', 'poll', 'inferred']),
    poll: z.boolean(),
    push: z.boolean(),
    inferred: z.boolean(),
    batchSize: z.number().int().positive(),
    idsPerMinute: z.number().positive(),
    fields: z.array(z.enum(['activity', 'customMessage', 'lastSeen', 'devices', 'expiresAt', 'sequence'])),
  }),
});

describe('zoomManifest', () => {
  it('matches the manifest schema', () => {
    expect(() => schema.parse(zoomManifest)).not.toThrow();
  });

  it('marks exactly the secrets as secret and names the seed env variables', () => {
    const secrets = zoomManifest.credentials.filter((field) => field.secret).map((field) => field.key);
    expect(secrets.sort()).toEqual(['access_token', 'client_secret', 'refresh_token', 'webhook_secret_token']);
    const aliases = zoomManifest.credentials.flatMap((field) => field.aliases);
    for (const env of ['ZOOM_ACCOUNT_ID', 'ZOOM_CLIENT_ID', 'ZOOM_CLIENT_SECRET', 'ZOOM_WEBHOOK_SECRET_TOKEN', 'ZOOM_SDK_KEY']) {
      expect(aliases).toContain(env);
    }
  });

  it('keeps the API and OAuth hosts apart, with Zoom defaults', () => {
    expect(zoomManifest.baseUrls.api.default).toBe('https://api.zoom.us/v2');
    expect(zoomManifest.baseUrls.oauth.default).toBe('https://zoom.us');
  });

  it('derives idsPerMinute from the budget (one id per call)', () => {
    const [budget] = zoomManifest.rateBudgets;
    expect(zoomManifest.capabilities.batchSize).toBe(1);
    expect(zoomManifest.capabilities.idsPerMinute).toBe((budget.limit * 60_000) / budget.windowMs);
  });
});

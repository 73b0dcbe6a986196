import { z } from 'zod';
import { createLinkedInAdapter } from './linkedin.adapter';
import { linkedinManifest } from './linkedin.manifest';

const schema = z.object({
  platform: z.literal('linkedin'),
  displayName: z.string().min(1),
  auth: z.object({
    mode: z.literal('oauth2-authorization-code'),
    authorizePath: z.string().startsWith('/'),
    tokenPath: z.string().startsWith('/'),
    clientAuth: z.enum(['basic', 'body']),
    accessTokenTtlSec: z.number().int().positive(),
    refreshTokenTtlSec: z.number().int().positive(),
    refreshToken: z.literal('when-granted'),
    scopes: z.array(z.string().min(1)).min(1),
  }),
  credentials: z
    .array(z.object({ key: z.string().regex(/^[a-z_]+$/), aliases: z.array(z.string().min(1)), secret: z.boolean(), required: z.boolean(), description: z.string().min(1) }))
    .min(1),
  baseUrls: z.record(z.string(), z.object({ configKey: z.string(), default: z.string().url() })),
  endpoints: z.record(z.string(), z.string().startsWith('/')),
  defaultIntervalMs: z.literal(0),
  recencyWindowMs: z.number().int().positive(),
  rateBudgets: z.array(z.object({ bucket: z.string().startsWith('linkedin:'), limit: z.number().positive(), windowMs: z.number().positive() })).min(1),
  webhook: z.object({
    challengeParam: z.literal('challengeCode'),
    applicationIdParam: z.string(),
    challengeResponse: z.string(),
    signatureHeader: z.literal('x-li-signature'),
    signatureScheme: z.string(),
    eventTypes: z.array(z.string()).min(1),
  }),
  signalActions: z.record(z.string(), z.string()),
  capabilities: z.object({
    freshness: z.literal('inferred'),
    poll: z.literal(false),
    push: z.literal(true),
    inferred: z.literal(true),
    batchSize: z.number().int().positive(),
    fields: z.array(z.enum(['activity', 'customMessage', 'lastSeen', 'devices', 'expiresAt', 'sequence'])),
  }),
});

describe('linkedinManifest', () => {
  it('matches the manifest schema', () => {
    expect(() => schema.parse(linkedinManifest)).not.toThrow();
  });

  it('marks the secret, tokens as secret and accepts the seed keys and env names', () => {
    const secrets = linkedinManifest.credentials.filter((field) => field.secret).map((field) => field.key);
    expect(secrets.sort()).toEqual(['access_token', 'client_secret', 'refresh_token']);
    const aliases = linkedinManifest.credentials.flatMap((field) => field.aliases);
    for (const env of ['LINKEDIN_CLIENT_ID', 'LINKEDIN_CLIENT_SECRET', 'LINKEDIN_ACCESS_TOKEN']) expect(aliases).toContain(env);
  });

  it('has LinkedIn defaults: 60-day tokens, www.linkedin.com OAuth and api.linkedin.com', () => {
    expect(linkedinManifest.auth.accessTokenTtlSec).toBe(5_184_000);
    expect(linkedinManifest.baseUrls.oauth.default).toBe('https://www.linkedin.com/oauth/v2');
    expect(linkedinManifest.baseUrls.api.default).toBe('https://api.linkedin.com');
  });

  it('is what the adapter declares', () => {
    const adapter = createLinkedInAdapter({ credentials: { accessToken: 't' } });
    expect(adapter.capabilities).toEqual({ ...linkedinManifest.capabilities, rateBudgets: linkedinManifest.rateBudgets });
  });
});

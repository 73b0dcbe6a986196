import { InvalidInputError, PRESENCE_ERROR_CODES } from '@amo/presence-core';
import { z } from 'zod';
import { parseTeamsCredentials } from './teams.credentials';
import { teamsManifest } from './teams.manifest';

const budget = z.object({ bucket: z.string().startsWith('teams:'), limit: z.number().int().positive(), windowMs: z.number().int().positive() });
const manifestSchema = z.object({
  platform: z.literal('teams'),
  displayName: z.string().min(1),
  auth: z.object({ mode: z.string(), tokenPath: z.string().includes('{tenantId}'), scope: z.url(), clientAuth: z.enum(['body', 'basic']), pushRequires: z.literal('delegated') }),
  credentials: z.array(z.object({ key: z.string(), aliases: z.array(z.string()).min(1), secret: z.boolean(), required: z.boolean(), description: z.string() })).min(1),
  baseUrls: z.record(z.string(), z.object({ key: z.string(), aliases: z.array(z.string()), default: z.url() })),
  defaultIntervalMs: z.number().int().positive(),
  retryAfterHeader: z.literal('Retry-After'),
  webhook: z.object({ path: z.string().startsWith('/'), validation: z.string(), verification: z.string() }),
  rateBudgets: z.array(budget).min(1),
  capabilities: z.object({
    freshness: z.enum(['push', 'poll', 'inferred']),
    poll: z.boolean(),
    push: z.boolean(),
    inferred: z.boolean(),
    batchSize: z.number().int().positive(),
    idsPerMinute: z.number().positive(),
    rateBudgets: z.array(budget),
    fields: z.array(z.enum(['activity', 'customMessage', 'lastSeen', 'devices', 'expiresAt', 'sequence'])),
  }),
});

describe('teamsManifest', () => {
  it('matches the manifest schema', () => {
    expect(() => manifestSchema.parse(teamsManifest)).not.toThrow();
  });

  it('marks exactly the client secret as secret and states Graph limits', () => {
    expect(teamsManifest.credentials.filter((field) => field.secret).map((field) => field.key)).toEqual(['clientSecret']);
    expect(teamsManifest.capabilities.batchSize).toBe(650);
    expect(teamsManifest.rateBudgets[0]).toMatchObject({ limit: 1500, windowMs: 30_000 });
    // 10,000 people need 16 batches: well inside one 30 s window.
    expect(Math.ceil(10_000 / teamsManifest.capabilities.batchSize)).toBeLessThanOrEqual(teamsManifest.rateBudgets[0].limit);
    expect(PRESENCE_ERROR_CODES).toContain('PERMISSION_DENIED');
  });
});

describe('parseTeamsCredentials', () => {
  const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const client = '11111111-2222-3333-4444-555555555555';

  it('accepts the seed keys, camelCase and the environment names', () => {
    expect(parseTeamsCredentials({ tenant_id: tenant, client_id: client, client_secret: 's3cret' })).toEqual({ tenantId: tenant, clientId: client, clientSecret: 's3cret' });
    expect(parseTeamsCredentials({ tenantId: 'contoso.onmicrosoft.com', clientId: client, clientSecret: 'x', graphBaseUrl: 'https://graph.microsoft.us/' })).toMatchObject({ tenantId: 'contoso.onmicrosoft.com', graphBaseUrl: 'https://graph.microsoft.us' });
    expect(parseTeamsCredentials({ TEAMS_TENANT_ID: tenant, TEAMS_CLIENT_ID: client, TEAMS_CLIENT_SECRET: 'y', login_base_url: 'https://login.chinacloudapi.cn' }).loginBaseUrl).toBe('https://login.chinacloudapi.cn');
  });

  it.each([
    [{ client_id: client, client_secret: 's' }, /tenantId is missing/],
    [{ tenant_id: 'common/../x', client_id: client, client_secret: 's' }, /tenantId must be/],
    [{ tenant_id: tenant, client_id: 'my-app', client_secret: 's' }, /clientId must be/],
    [{ tenant_id: tenant, client_id: client }, /clientSecret is missing/],
    [{ tenant_id: tenant, client_id: client, client_secret: 42 }, /clientSecret must be a non-empty string/],
    [{ tenant_id: tenant, client_id: client, client_secret: 's', graph_base_url: 'not a url' }, /graphBaseUrl is not a valid URL/],
    [{ tenant_id: tenant, client_id: client, client_secret: 's', graph_base_url: 'ftp://graph' }, /graphBaseUrl must be http/],
  ])('rejects %j naming the field', (record, message) => {
    expect(() => parseTeamsCredentials(record)).toThrow(InvalidInputError);
    expect(() => parseTeamsCredentials(record)).toThrow(message);
  });

  it('never echoes the secret in an error', () => {
    try {
      parseTeamsCredentials({ tenant_id: tenant, client_id: 'bad', client_secret: 'hunter2' });
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
    expect.assertions(1);
  });
});

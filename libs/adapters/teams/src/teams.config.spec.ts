import { StaticTokenProvider } from '@amo/presence-adapter-kit';
import { InvalidInputError } from '@amo/presence-core';
import { createTeamsAdapter, teamsAdapterFactory } from './teams.adapter';
import { resolveTeamsConfig } from './teams.config';

const credentials = { tenant_id: 'contoso.onmicrosoft.com', client_id: '11111111-2222-3333-4444-555555555555', client_secret: 's' };
const delegatedAuth = new StaticTokenProvider('user-token');

describe('resolveTeamsConfig', () => {
  it('defaults to the public cloud and derives the token URL and webhook URL', () => {
    const resolved = resolveTeamsConfig({ credentials, push: { delegatedAuth, publicUrl: 'https://presence.example.com/' } });
    expect(resolved).toMatchObject({
      graphBaseUrl: 'https://graph.microsoft.com',
      tokenUrl: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
      scope: 'https://graph.microsoft.com/.default',
      notificationUrl: 'https://presence.example.com/v1/webhooks/teams',
      lifecycleNotificationUrl: 'https://presence.example.com/v1/webhooks/teams',
      concurrency: 4,
    });
  });

  it('lets config override the base URLs from credentials (national clouds)', () => {
    const resolved = resolveTeamsConfig({ credentials: { ...credentials, graph_base_url: 'https://x.example' }, graphBaseUrl: 'https://graph.microsoft.us', loginBaseUrl: 'https://login.microsoftonline.us', scope: 'https://graph.microsoft.us/.default' });
    expect(resolved).toMatchObject({ graphBaseUrl: 'https://graph.microsoft.us', tokenUrl: 'https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token', scope: 'https://graph.microsoft.us/.default' });
  });

  it.each([
    [{ push: { delegatedAuth } }, /publicUrl or notificationUrl/],
    [{ push: { delegatedAuth, notificationUrl: 'ftp://x' } }, /http\(s\)/],
    [{ push: { delegatedAuth, publicUrl: 'https://x', lifetimeMs: 61 * 60_000 } }, /within 60 minutes/],
    [{ push: { delegatedAuth, publicUrl: 'https://x', lifetimeMs: 30 * 60_000, renewBeforeMs: 30 * 60_000 } }, /renewBeforeMs/],
    [{ concurrency: 0 }, /concurrency/],
  ])('rejects bad settings %#', (extra, message) => {
    expect(() => resolveTeamsConfig({ credentials, ...extra })).toThrow(InvalidInputError);
    expect(() => resolveTeamsConfig({ credentials, ...extra })).toThrow(message);
  });
});

describe('teamsAdapterFactory', () => {
  it('builds a polling-only adapter from a seed credential record, and push only with a delegated token', async () => {
    const polling = teamsAdapterFactory()(credentials);
    expect(polling.capabilities).toMatchObject({ push: false, poll: true, freshness: 'poll', batchSize: 650 });
    expect(polling.startPush).toBeUndefined();
    expect(() => teamsAdapterFactory()({ tenant_id: 'x' })).toThrow(InvalidInputError);
    const pushing = createTeamsAdapter({ credentials, push: { delegatedAuth, publicUrl: 'https://presence.example.com' } });
    expect(pushing.capabilities.push).toBe(true);
    expect(pushing.capabilities.rateBudgets).toEqual([{ bucket: 'teams:presence:contoso.onmicrosoft.com', limit: 1500, windowMs: 30_000 }]);
    await Promise.all([polling.close(), pushing.close()]);
  });
});

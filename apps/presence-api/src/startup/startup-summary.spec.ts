import { renderStartupBlock, type StartupFacts } from './startup-summary';

const base: StartupFacts = {
  sandbox: false,
  connected: [],
  failed: [],
  url: 'http://localhost:3000',
  port: 3000,
  dashboard: true,
  adminKey: { fromEnv: false, file: 'data/admin-token', absolute: '/srv/presence/data/admin-token' },
  logLevel: 'log',
};

describe('the start-up block', () => {
  it('says sandbox mode, the URLs, how to read the key (with its absolute path) and the log level', () => {
    const block = renderStartupBlock({ ...base, sandbox: true, connected: [{ platform: 'discord', source: 'sandbox' }, { platform: 'slack', source: 'sandbox' }] });
    expect(block.split('\n')).toEqual([
      'ready',
      '  mode       SANDBOX: emulated discord, slack on loopback with sample people; not real presence',
      '  url        http://localhost:3000   (port 3000)',
      '  dashboard  http://localhost:3000/',
      '  admin key  cat data/admin-token   (/srv/presence/data/admin-token)',
      '  docs       http://localhost:3000/docs   (OpenAPI: http://localhost:3000/docs-json)',
      "  log level  log (PRESENCE_LOG_LEVEL=debug adds Nest's module and route lines)",
    ]);
  });

  it('lists connected platforms with their source and failed ones with the code and reason', () => {
    const block = renderStartupBlock({
      ...base,
      connected: [{ platform: 'slack', source: 'env' }],
      failed: [{ platform: 'teams', code: 'AUTH_FAILED', message: 'invalid client secret', retrying: false }, { platform: 'zoom', code: 'TRANSIENT', message: 'getaddrinfo ENOTFOUND api.zoom.us', retrying: true }],
      adminKey: { fromEnv: true },
      logLevel: 'debug',
    });
    expect(block).toContain('  mode       live, connected: slack (env)\n             failed: teams (AUTH_FAILED: invalid client secret), zoom (TRANSIENT: getaddrinfo ENOTFOUND api.zoom.us; retrying)');
    expect(block).toContain('  admin key  from PRESENCE_API_TOKEN (not shown)');
    expect(block).toContain('  log level  debug');
  });

  it('tells how to connect a platform when none is, and when the dashboard is not built', () => {
    const block = renderStartupBlock({ ...base, dashboard: false, adminKey: { fromEnv: false, file: '/srv/data/admin-token', absolute: '/srv/data/admin-token' } });
    expect(block).toContain("live, no platform connected: set a platform's variables (see .env.example) or POST /v1/platforms/{platform}/connect");
    expect(block).toContain('  dashboard  not built (npm start builds it)');
    expect(block).toContain('  admin key  cat /srv/data/admin-token\n');
  });
});

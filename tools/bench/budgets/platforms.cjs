// The three polled platforms as bench:budgets drives them: each one's emulator enforcing its published limits
// on the shared virtual clock, the real adapter with its defaults (time and fetch injected), the optimum the
// budget allows, and the presence reads the emulator admitted (person id and arrival time).
const { RateBudgetRegistry } = require('@amo/presence-adapter-kit');
const { createSlackAdapter, SLACK_BUDGET_SPECS } = require('@amo/presence-adapter-slack');
const { SlackEmulator } = require('@amo/presence-adapter-slack/testing');
const { createTeamsAdapter, TEAMS_MAX_IDS_PER_REQUEST, TEAMS_PRESENCE_BUDGET } = require('@amo/presence-adapter-teams');
const { GraphEmulator } = require('@amo/presence-adapter-teams/testing');
const { createZoomAdapter, zoomManifest } = require('@amo/presence-adapter-zoom');
const { ZoomEmulator } = require('@amo/presence-adapter-zoom/testing');

const admitted = (requests) => requests.filter((req) => req.outcome === 'route');

const slack = {
  limits: () => {
    const { presence, dnd, profile } = SLACK_BUDGET_SPECS;
    return `users.getPresence ${presence.limit}/min, dnd.teamInfo ${dnd.limit}/min, users.profile.get ${profile.limit}/min`;
  },
  /** Everyone each interval while N fits in one interval's share of 50 reads a minute, else N / 50 minutes. */
  optimumMs: (people, intervalMs) => Math.max(intervalMs, (people * SLACK_BUDGET_SPECS.presence.windowMs) / SLACK_BUDGET_SPECS.presence.limit),
  async start(clock, people) {
    // keepAlive: a sweep of 10,000 people is tens of thousands of calls; one socket each would be the cost measured.
    const emulator = await SlackEmulator.start({ clock, keepAlive: true });
    const ids = emulator.addUsers(people);
    const adapter = createSlackAdapter({ botToken: emulator.botToken, baseUrl: emulator.baseUrl }, { clock, fetch: clock.fetch });
    return {
      ids,
      adapter,
      reads: () => admitted(emulator.calls('users.getPresence')).map((req) => [req.query.user, req.at]),
      calls: () => ({
        'users.getPresence': emulator.calls('users.getPresence').length,
        'dnd.teamInfo': emulator.calls('dnd.teamInfo').length,
        'users.profile.get': emulator.calls('users.profile.get').length,
      }),
      rejected: () => emulator.overBudgetCount(),
      rejectedBy: () => Object.fromEntries(['users.getPresence', 'dnd.teamInfo', 'users.profile.get', 'auth.test'].map((m) => [m, emulator.overBudgetCount(m)])),
      close: () => emulator.close(),
    };
  },
};

const teams = {
  limits: () => `getPresencesByUserId ${TEAMS_PRESENCE_BUDGET.limit} calls / ${TEAMS_PRESENCE_BUDGET.windowMs / 1000} s, ${TEAMS_MAX_IDS_PER_REQUEST} ids a call`,
  /** The interval while a sweep's ceil(N / 650) calls fit the budget; else the time the budget needs for them. */
  optimumMs: (people, intervalMs) =>
    Math.max(intervalMs, (Math.ceil(people / TEAMS_MAX_IDS_PER_REQUEST) * TEAMS_PRESENCE_BUDGET.windowMs) / TEAMS_PRESENCE_BUDGET.limit),
  async start(clock, people) {
    const emulator = await GraphEmulator.start({ clock });
    const ids = emulator.addUsers(people);
    // No push options: without a notification URL the adapter polls everyone, the case the budget must carry.
    const adapter = createTeamsAdapter({ credentials: emulator.credentials() }, { clock, fetch: clock.fetch, budgets: new RateBudgetRegistry(clock) });
    return {
      ids,
      adapter,
      reads: () => admitted(emulator.presenceBatchRequests()).flatMap((req) => req.body.ids.map((id) => [id, req.at])),
      calls: () => ({ getPresencesByUserId: emulator.presenceBatchRequests().length }),
      rejected: () => emulator.overBudgetCount(),
      rejectedBy: () => ({ getPresencesByUserId: emulator.overBudgetCount() }),
      close: () => emulator.close(),
    };
  },
};

const [ZOOM_LIMIT] = zoomManifest.rateBudgets;
const zoom = {
  limits: () => `GET /users/{id}/presence_status ${ZOOM_LIMIT.limit} per ${ZOOM_LIMIT.windowMs} ms`,
  /** One read per person: every interval while N reads fit in it, else N x window / limit. */
  optimumMs: (people, intervalMs) => Math.max(intervalMs, (people * ZOOM_LIMIT.windowMs) / ZOOM_LIMIT.limit),
  async start(clock, people) {
    const ids = Array.from({ length: people }, (_, i) => `zu${String(i).padStart(6, '0')}`);
    const emulator = await ZoomEmulator.start({ clock, rateLimit: { limit: ZOOM_LIMIT.limit, windowMs: ZOOM_LIMIT.windowMs }, users: ids.map((id) => ({ id, status: 'Available' })) });
    const adapter = createZoomAdapter(
      { credentials: emulator.credentials, apiBaseUrl: emulator.apiBaseUrl, oauthBaseUrl: emulator.oauthBaseUrl },
      { clock, fetch: clock.fetch },
    );
    const all = () => emulator.presenceRequests();
    return {
      ids,
      adapter,
      trim: () => undefined,
      reads: () => admitted(all()).map((req) => [decodeURIComponent(req.path.split('/')[3]), req.at]),
      calls: () => ({ presence_status: all().length }),
      rejected: () => emulator.server.overBudgetCount(),
      rejectedBy: () => ({ presence_status: emulator.server.overBudgetCount() }),
      close: () => emulator.close(),
    };
  },
};

module.exports = { PLATFORMS: { slack, teams, zoom } };

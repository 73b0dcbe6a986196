import { PresenceApiError, PresenceClient, PresenceStream } from '@amo/presence-client';
import { renderPanel } from './panel.js';
import type { Loadable, PersonReach } from './reach.js';
import { applyMessage, type DashboardState, personFromApi, type PlatformHealth, platformsFromHealth, type TimelineEntry } from './state.js';
import { renderGrid, renderPlatforms, updateRow } from './view.js';

const KEY_STORAGE = 'presence-dashboard-key';
// Rate-budget use moves all the time and the stream does not carry it: an admin page re-reads /v1/platforms.
const PLATFORMS_REFRESH_MS = 30_000;
// The best channel follows the person's presence; re-asked on their aggregate changes at most this often.
const CHANNEL_REFRESH_MS = 5_000;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function setStatus(text: string): void {
  $('connection').textContent = text;
}

/** /v1/platforms needs the admin scope; a read-only key gets the same states from the public /health. */
async function loadPlatforms(client: PresenceClient): Promise<{ platforms: PlatformHealth[]; admin: boolean }> {
  try {
    return { platforms: (await client.listPlatforms()).platforms, admin: true };
  } catch (error) {
    if (error instanceof PresenceApiError && error.status === 403) return { platforms: platformsFromHealth(await client.getHealth()), admin: false };
    throw error;
  }
}

/** The recent changes the timeline starts with; the audit log needs the admin scope, so a read-only key has none. */
async function loadTimelines(client: PresenceClient): Promise<Map<string, TimelineEntry[]>> {
  const timelines = new Map<string, TimelineEntry[]>();
  const page = await client.listAudit({ limit: 500 }).catch(() => ({ entries: [] }));
  for (const entry of page.entries) timelines.set(entry.userId, [...(timelines.get(entry.userId) ?? []), entry]);
  return timelines;
}

async function loadable<T>(read: Promise<T>): Promise<Loadable<T>> {
  try {
    return { state: 'done', value: await read };
  } catch (error) {
    return { state: 'error', message: (error as Error).message, status: error instanceof PresenceApiError ? error.status : undefined };
  }
}

/**
 * The live page. One stream subscribed to everyone does all the reading: the server sends each person's snapshot
 * (the GET /v1/presence document) before any change, and again after every reconnect, so the page never reads a
 * person over REST at start-up. Only an opened person costs calls: their best channel and their policy.
 */
function showLive(
  stream: PresenceStream,
  client: PresenceClient,
  state: DashboardState,
  timelines: Map<string, TimelineEntry[]>,
  admin: boolean,
  signal: AbortSignal,
): void {
  const table = $<HTMLTableElement>('grid');
  const panel = $('person');
  let openUserId: string | null = null;
  let reach: PersonReach = { channel: { state: 'loading' }, policy: { state: 'loading' } };
  let channelAskedAt = 0;
  let redrawAll = false;

  const columns = (): string => state.platforms.map((platform) => platform.platform).join();
  let drawnColumns = columns();
  // 600 snapshots arrive in a few frames: draw the grid once per frame, not once per person.
  const scheduleGrid = (): void => {
    if (redrawAll) return;
    redrawAll = true;
    requestAnimationFrame(() => {
      redrawAll = false;
      state.people = new Map([...state.people].sort(([a], [b]) => a.localeCompare(b)));
      drawnColumns = columns();
      renderGrid(table, state, openUserId);
    });
  };
  const drawPanel = (): void => {
    const person = openUserId ? state.people.get(openUserId) : undefined;
    if (!person) return closePanel();
    renderPanel(panel, person, state.platforms.map((platform) => platform.platform), reach);
  };
  const askChannel = (userId: string): void => {
    channelAskedAt = Date.now();
    void loadable(client.checkAvailability([userId], { details: true }).then((answer) => answer.details?.[userId]?.bestChannel ?? null)).then((channel) => {
      if (openUserId !== userId) return;
      reach = { ...reach, channel };
      drawPanel();
    });
  };
  const openPanel = (userId: string): void => {
    const before = openUserId;
    openUserId = userId;
    reach = { channel: { state: 'loading' }, policy: { state: 'loading' } };
    for (const id of [before, userId]) if (id) updateRow(table, state, id, openUserId);
    panel.hidden = false;
    drawPanel();
    askChannel(userId);
    void loadable(client.getPreferences(userId).then((preferences) => preferences.policy ?? null)).then((policy) => {
      if (openUserId !== userId) return;
      reach = { ...reach, policy };
      drawPanel();
    });
    panel.querySelector<HTMLElement>('.panel-close')?.focus();
  };
  function closePanel(): void {
    const before = openUserId;
    openUserId = null;
    panel.hidden = true;
    if (before) {
      updateRow(table, state, before, null);
      table.querySelector<HTMLElement>(`button.person-open[data-user="${CSS.escape(before)}"]`)?.focus();
    }
  }
  // A sign-in that fails after this point aborts the signal, so a second one does not listen twice.
  const listening = { signal };
  table.addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLElement>('button.person-open');
    const userId = button?.dataset.user;
    if (!userId) return;
    if (userId === openUserId) closePanel();
    else openPanel(userId);
  }, listening);
  panel.addEventListener('click', (event) => {
    if ((event.target as HTMLElement).closest('.panel-close')) closePanel();
  }, listening);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && openUserId) closePanel();
  }, listening);

  const redrawPerson = (userId: string, added: boolean): void => {
    if (added) return scheduleGrid();
    updateRow(table, state, userId, openUserId);
    if (userId === openUserId) drawPanel();
  };
  stream.on('snapshot', ({ userId, presence }) => {
    const known = state.people.get(userId);
    if (!presence) {
      // Erased or unlinked while the page was away.
      if (known && state.people.delete(userId)) scheduleGrid();
      if (userId === openUserId) closePanel();
      return;
    }
    const timeline = known?.timeline ?? timelines.get(userId) ?? [];
    state.people.set(userId, personFromApi(userId, presence, timeline));
    redrawPerson(userId, !known);
  });
  const change = (message: Parameters<typeof applyMessage>[1] & { userId: string }): void => {
    // Someone linked after the snapshot: the stream holds their document from the change messages.
    const document = stream.presences.get(message.userId);
    if (!state.people.has(message.userId) && document) {
      state.people.set(message.userId, personFromApi(message.userId, document, []));
      return redrawPerson(message.userId, true);
    }
    const redraw = applyMessage(state, message);
    if (redraw) redrawPerson(redraw, false);
    if (message.type === 'aggregate' && message.userId === openUserId && Date.now() - channelAskedAt >= CHANNEL_REFRESH_MS) askChannel(message.userId);
  };
  stream.on('presence', change);
  stream.on('aggregate', change);
  const showPlatforms = (): void => {
    renderPlatforms($('platforms'), state.platforms);
    if (columns() !== drawnColumns) scheduleGrid();
  };
  stream.on('platform', (message) => {
    if (applyMessage(state, message)) showPlatforms();
  });
  const reloadPlatforms = (): void => {
    void loadPlatforms(client)
      .then((loaded) => {
        state.platforms = loaded.platforms;
        showPlatforms();
      })
      .catch(() => undefined);
  };
  if (admin) {
    const refresh = setInterval(() => document.visibilityState === 'visible' && reloadPlatforms(), PLATFORMS_REFRESH_MS);
    signal.addEventListener('abort', () => clearInterval(refresh));
  }
  stream.on('connected', ({ reconnect }) => {
    setStatus('live');
    // Platform messages sent while the page was away are lost; people come back as snapshots by themselves.
    if (reconnect) reloadPlatforms();
  });
  stream.on('disconnected', ({ code }) => setStatus(code === 4001 ? 'too slow, reconnecting…' : 'reconnecting…'));
}

async function start(key: string): Promise<void> {
  setStatus('loading…');
  const client = new PresenceClient({ baseUrl: '', apiKey: key });
  const stream = new PresenceStream({ baseUrl: location.origin, apiKey: key });
  const page = new AbortController();
  try {
    const [info, loaded, timelines] = await Promise.all([client.getHealth(), loadPlatforms(client), loadTimelines(client)]);
    const state: DashboardState = { sandbox: info.sandbox === true, platforms: loaded.platforms, people: new Map() };
    sessionStorage.setItem(KEY_STORAGE, key);
    $('login').hidden = true;
    $('board').hidden = false;
    $('sandbox').hidden = !state.sandbox;
    renderPlatforms($('platforms'), state.platforms);
    renderGrid($<HTMLTableElement>('grid'), state, null);
    showLive(stream, client, state, timelines, loaded.admin, page.signal);
    stream.subscribeAll();
    await stream.connect();
  } catch (error) {
    stream.close();
    page.abort();
    $('person').hidden = true;
    sessionStorage.removeItem(KEY_STORAGE);
    $('login').hidden = false;
    $('board').hidden = true;
    const refused = error instanceof PresenceApiError && error.status === 401;
    $('login-error').textContent = refused ? 'That key was not accepted.' : `Could not load: ${(error as Error).message}`;
    setStatus('signed out');
  }
}

function boot(): void {
  const form = $<HTMLFormElement>('login');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = ($<HTMLInputElement>('key').value || '').trim();
    if (key) void start(key);
  });
  const saved = sessionStorage.getItem(KEY_STORAGE);
  if (saved) void start(saved);
  else $<HTMLInputElement>('key').focus();
}

boot();

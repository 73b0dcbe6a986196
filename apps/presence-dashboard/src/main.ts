import { PresenceApiError, PresenceClient, PresenceStream } from '@amo/presence-client';
import { applyMessage, type DashboardState, personFromApi, type PlatformHealth, platformsFromHealth, type TimelineEntry } from './state.js';
import { renderGrid, renderPlatforms, updateRow } from './view.js';

const KEY_STORAGE = 'presence-dashboard-key';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function setStatus(text: string): void {
  $('connection').textContent = text;
}

/** /v1/platforms needs the admin scope; a read-only key gets the same health from the public /health. */
async function loadPlatforms(client: PresenceClient): Promise<PlatformHealth[]> {
  try {
    return (await client.listPlatforms()).platforms;
  } catch (error) {
    if (error instanceof PresenceApiError && error.status === 403) return platformsFromHealth(await client.getHealth());
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

/**
 * The live grid. One stream subscribed to everyone does all the reading: the server sends each person's snapshot
 * (the GET /v1/presence document) before any change, and again after every reconnect, so the page never reads a
 * person over REST and never reconciles.
 */
function showLive(stream: PresenceStream, client: PresenceClient, state: DashboardState, timelines: Map<string, TimelineEntry[]>): void {
  const table = $<HTMLTableElement>('grid');
  let redrawAll = false;
  // 600 snapshots arrive in a few frames: draw the grid once per frame, not once per person.
  const scheduleGrid = (): void => {
    if (redrawAll) return;
    redrawAll = true;
    requestAnimationFrame(() => {
      redrawAll = false;
      state.people = new Map([...state.people].sort(([a], [b]) => a.localeCompare(b)));
      renderGrid(table, state);
    });
  };
  const redrawPerson = (userId: string, added: boolean): void => (added ? scheduleGrid() : updateRow(table, state, userId));

  stream.on('snapshot', ({ userId, presence }) => {
    const known = state.people.get(userId);
    if (!presence) {
      // Erased or unlinked while the page was away.
      if (known && state.people.delete(userId)) scheduleGrid();
      return;
    }
    const timeline = known?.timeline ?? timelines.get(userId) ?? [];
    state.people.set(userId, personFromApi(userId, Object.keys(presence.platforms), presence, timeline));
    redrawPerson(userId, !known);
  });
  const change = (message: Parameters<typeof applyMessage>[1] & { userId: string }): void => {
    // Someone linked after the snapshot: the stream holds their document from the change messages.
    const document = stream.presences.get(message.userId);
    if (!state.people.has(message.userId) && document) {
      state.people.set(message.userId, personFromApi(message.userId, Object.keys(document.platforms), document, []));
      return redrawPerson(message.userId, true);
    }
    const redraw = applyMessage(state, message);
    if (redraw) redrawPerson(redraw, false);
  };
  stream.on('presence', change);
  stream.on('aggregate', change);
  stream.on('platform', (message) => {
    if (applyMessage(state, message)) renderPlatforms($('platforms'), state.platforms);
  });
  stream.on('connected', ({ reconnect }) => {
    setStatus('live');
    // Platform messages sent while the page was away are lost; people come back as snapshots by themselves.
    if (!reconnect) return;
    void loadPlatforms(client).then((platforms) => {
      state.platforms = platforms;
      renderPlatforms($('platforms'), platforms);
      scheduleGrid();
    });
  });
  stream.on('disconnected', ({ code }) => setStatus(code === 4001 ? 'too slow, reconnecting…' : 'reconnecting…'));
}

async function start(key: string): Promise<void> {
  setStatus('loading…');
  const client = new PresenceClient({ baseUrl: '', apiKey: key });
  const stream = new PresenceStream({ baseUrl: location.origin, apiKey: key });
  try {
    const [info, platforms, timelines] = await Promise.all([client.getHealth(), loadPlatforms(client), loadTimelines(client)]);
    const state: DashboardState = { sandbox: info.sandbox === true, platforms, people: new Map() };
    sessionStorage.setItem(KEY_STORAGE, key);
    $('login').hidden = true;
    $('board').hidden = false;
    $('sandbox').hidden = !state.sandbox;
    renderPlatforms($('platforms'), state.platforms);
    renderGrid($<HTMLTableElement>('grid'), state);
    showLive(stream, client, state, timelines);
    stream.subscribeAll();
    await stream.connect();
  } catch (error) {
    stream.close();
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

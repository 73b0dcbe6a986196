import { allPages, api, ApiError, health, streamUrl } from './api.js';
import { applyMessage, type DashboardState, type PlatformHealth, personFromApi, type StreamMessage, type TimelineEntry } from './state.js';
import { renderGrid, renderPlatforms, updateRow } from './view.js';

const KEY_STORAGE = 'presence-dashboard-key';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function setStatus(text: string): void {
  $('connection').textContent = text;
}

async function load(key: string): Promise<DashboardState> {
  const [info, platformsBody, users] = await Promise.all([
    health(),
    api<{ platforms: PlatformHealth[] }>(key, '/v1/platforms'),
    allPages<{ userId: string; platforms: string[] }>(key, '/v1/users?limit=200', 'users'),
  ]);
  // The timeline needs the admin scope; a read-only key still sees the grid.
  const audit = await allPages<TimelineEntry & { userId: string }>(key, '/v1/audit?limit=500', 'entries', 1).catch(() => []);
  const people = new Map();
  await Promise.all(
    users.map(async (user) => {
      const presence = await api<Parameters<typeof personFromApi>[2]>(key, `/v1/presence/${encodeURIComponent(user.userId)}`).catch(() => null);
      const timeline = audit.filter((entry) => entry.userId === user.userId);
      people.set(user.userId, personFromApi(user.userId, user.platforms, presence, timeline));
    }),
  );
  const sorted = new Map([...people.entries()].sort(([a], [b]) => a.localeCompare(b)));
  return { sandbox: info.sandbox === true, platforms: platformsBody.platforms, people: sorted };
}

/** Live updates over the stream; reconnects with a growing delay, never polls. */
function connect(key: string, state: DashboardState, table: HTMLTableElement, attempt = 0): void {
  const socket = new WebSocket(streamUrl(key));
  socket.addEventListener('open', () => {
    setStatus('live');
    attempt = 0;
    socket.send(JSON.stringify({ type: 'subscribe', userIds: [...state.people.keys()].slice(0, 1000) }));
  });
  socket.addEventListener('message', (event) => {
    let message: StreamMessage;
    try {
      message = JSON.parse(String(event.data)) as StreamMessage;
    } catch {
      return;
    }
    const redraw = applyMessage(state, message);
    if (redraw === 'platforms') renderPlatforms($('platforms'), state.platforms);
    else if (redraw) updateRow(table, state, redraw);
  });
  socket.addEventListener('close', () => {
    setStatus('reconnecting…');
    const delay = Math.min(30_000, 1000 * 2 ** attempt);
    setTimeout(() => connect(key, state, table, attempt + 1), delay);
  });
}

async function start(key: string): Promise<void> {
  setStatus('loading…');
  try {
    const state = await load(key);
    sessionStorage.setItem(KEY_STORAGE, key);
    $('login').hidden = true;
    $('board').hidden = false;
    $('sandbox').hidden = !state.sandbox;
    renderPlatforms($('platforms'), state.platforms);
    const table = $<HTMLTableElement>('grid');
    renderGrid(table, state);
    connect(key, state, table);
  } catch (error) {
    sessionStorage.removeItem(KEY_STORAGE);
    $('login').hidden = false;
    $('board').hidden = true;
    const message = error instanceof ApiError && error.status === 401 ? 'That key was not accepted.' : `Could not load: ${(error as Error).message}`;
    $('login-error').textContent = message;
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

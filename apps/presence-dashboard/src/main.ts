import { allPages, api, ApiError, health, streamUrl } from './api.js';
import {
  applyMessage,
  type DashboardState,
  type Person,
  type PlatformHealth,
  personFromApi,
  platformsFromHealth,
  type StreamMessage,
  type TimelineEntry,
} from './state.js';
import { renderGrid, renderPlatforms, updateRow } from './view.js';

const KEY_STORAGE = 'presence-dashboard-key';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

type PresenceBody = Parameters<typeof personFromApi>[2];

function setStatus(text: string): void {
  $('connection').textContent = text;
}

/** /v1/platforms needs the admin scope; a read-only key gets the same health from the public /health. */
async function loadPlatforms(key: string): Promise<PlatformHealth[]> {
  try {
    return (await api<{ platforms: PlatformHealth[] }>(key, '/v1/platforms')).platforms;
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return platformsFromHealth(await health());
    throw error;
  }
}

async function loadPerson(key: string, userId: string, linked: string[], timeline: TimelineEntry[]): Promise<Person> {
  const presence = await api<PresenceBody>(key, `/v1/presence/${encodeURIComponent(userId)}`).catch(() => null);
  return personFromApi(userId, linked, presence, timeline);
}

/**
 * Live view: subscribe first, then read the current state over REST, so no change can fall between the two.
 * A person or platform that changed while the reads were in flight is read again afterwards.
 */
class LiveBoard {
  private socket: WebSocket | null = null;
  private loading = true;
  private readonly dirtyPeople = new Set<string>();
  private dirtyPlatforms = false;
  private attempt = 0;

  constructor(
    private readonly key: string,
    private readonly state: DashboardState,
    private readonly table: HTMLTableElement,
  ) {}

  /** Opens the stream and resolves once the server confirmed the subscription (or the socket failed). */
  connect(): Promise<void> {
    return new Promise((resolve) => {
      const socket = new WebSocket(streamUrl(this.key));
      this.socket = socket;
      socket.addEventListener('open', () => {
        this.attempt = 0;
        setStatus('live');
        socket.send(JSON.stringify({ type: 'subscribe', userIds: [...this.state.people.keys()].slice(0, 1000) }));
      });
      socket.addEventListener('message', (event) => {
        let message: StreamMessage;
        try {
          message = JSON.parse(String(event.data)) as StreamMessage;
        } catch {
          return;
        }
        if (message.type === 'subscribed') resolve();
        else this.receive(message);
      });
      socket.addEventListener('close', () => {
        resolve();
        setStatus('reconnecting…');
        const delay = Math.min(30_000, 1000 * 2 ** this.attempt++);
        // After a gap the stream may have missed changes: reconnect, then read everyone again.
        setTimeout(() => void this.connect().then(() => this.refreshAll()), delay);
      });
    });
  }

  /** Ends the loading phase: re-reads whatever changed meanwhile, then applies messages as they come. */
  async settle(): Promise<void> {
    this.loading = false;
    await Promise.all([...this.dirtyPeople].map((userId) => this.refreshPerson(userId)));
    this.dirtyPeople.clear();
    if (this.dirtyPlatforms) await this.refreshPlatforms();
  }

  private receive(message: StreamMessage): void {
    if (this.loading) {
      const userId = (message as { userId?: unknown }).userId;
      if (typeof userId === 'string') this.dirtyPeople.add(userId);
      if (message.type === 'platform') this.dirtyPlatforms = true;
      return;
    }
    const redraw = applyMessage(this.state, message);
    if (redraw === 'platforms') renderPlatforms($('platforms'), this.state.platforms);
    else if (redraw) updateRow(this.table, this.state, redraw);
  }

  private async refreshAll(): Promise<void> {
    await Promise.all([...this.state.people.keys()].map((userId) => this.refreshPerson(userId)));
    await this.refreshPlatforms();
  }

  private async refreshPerson(userId: string): Promise<void> {
    const known = this.state.people.get(userId);
    if (!known) return;
    this.state.people.set(userId, await loadPerson(this.key, userId, known.linked, known.timeline));
    updateRow(this.table, this.state, userId);
  }

  private async refreshPlatforms(): Promise<void> {
    this.state.platforms = await loadPlatforms(this.key);
    renderPlatforms($('platforms'), this.state.platforms);
  }
}

async function start(key: string): Promise<void> {
  setStatus('loading…');
  try {
    const [info, platforms, users] = await Promise.all([
      health(),
      loadPlatforms(key),
      allPages<{ userId: string; platforms: string[] }>(key, '/v1/users?limit=200', 'users'),
    ]);
    const state: DashboardState = { sandbox: info.sandbox === true, platforms, people: new Map() };
    for (const user of [...users].sort((a, b) => a.userId.localeCompare(b.userId))) {
      state.people.set(user.userId, personFromApi(user.userId, user.platforms, null, []));
    }
    sessionStorage.setItem(KEY_STORAGE, key);
    $('login').hidden = true;
    $('board').hidden = false;
    $('sandbox').hidden = !state.sandbox;
    const table = $<HTMLTableElement>('grid');
    const board = new LiveBoard(key, state, table);
    await board.connect();
    // The timeline needs the admin scope; a read-only key still sees the grid.
    const audit = await allPages<TimelineEntry & { userId: string }>(key, '/v1/audit?limit=500', 'entries', 1).catch(() => []);
    await Promise.all(
      users.map(async (user) => {
        const timeline = audit.filter((entry) => entry.userId === user.userId);
        state.people.set(user.userId, await loadPerson(key, user.userId, user.platforms, timeline));
      }),
    );
    renderPlatforms($('platforms'), state.platforms);
    renderGrid(table, state);
    await board.settle();
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

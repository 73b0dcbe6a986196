import { EmulatorServer } from '../../testing/emulator-server';

/**
 * A tiny presence platform for the kit's own tests: `GET /v1/presence?ids=a,b` with a bearer token answers
 * `{presences: [{id, state}], missing: [...]}`; its 429 is `{error: {code: 'rate_limited', retry_after_sec}}`.
 */
export interface ExampleEmulator {
  server: EmulatorServer;
  token: string;
  states: Map<string, unknown>;
}

export async function startExampleEmulator(): Promise<ExampleEmulator> {
  const server = await EmulatorServer.start();
  const token = 'example-token';
  const states = new Map<string, unknown>([
    ['u1', 'available'],
    ['u2', 'away'],
    ['u3', 'dnd'],
    ['u4', 'offline'],
  ]);
  server.onOverBudget((_req, info) => ({
    status: 429,
    headers: { 'retry-after': String(info.retryAfterSec) },
    json: { error: { code: 'rate_limited', retry_after_sec: info.retryAfterSec } },
  }));
  server.route('GET', '/v1/presence', (req) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      return { status: 401, json: { error: { code: 'unauthenticated' } } };
    }
    const ids = (req.query.ids ?? '').split(',').filter(Boolean);
    if (ids.length > 3) return { status: 400, json: { error: { code: 'too_many_ids' } } };
    return {
      json: {
        presences: ids.filter((id) => states.has(id)).map((id) => ({ id, state: states.get(id) })),
        missing: ids.filter((id) => !states.has(id)),
      },
    };
  });
  return { server, token, states };
}

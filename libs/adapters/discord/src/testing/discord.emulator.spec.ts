import { GatewayCloseCodes, GatewayOpcodes } from 'discord-api-types/v10';
import { WebSocket } from 'ws';
import { DiscordGatewayEmulator } from './discord.emulator';

/** A raw gateway client: opens, identifies with `token`, and resolves with READY or the close code. */
function identify(emulator: DiscordGatewayEmulator, token: string): Promise<{ socket: WebSocket; ready: boolean; closeCode?: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${emulator.gatewayUrl}/?v=10&encoding=json`);
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { op: number; t?: string };
      if (frame.op === GatewayOpcodes.Hello) {
        socket.send(JSON.stringify({ op: GatewayOpcodes.Identify, d: { token, intents: 0, properties: { os: 'linux', browser: 'test', device: 'test' } } }));
      }
      if (frame.t === 'READY') resolve({ socket, ready: true });
    });
    socket.on('close', (code) => resolve({ socket, ready: false, closeCode: code }));
  });
}

describe('DiscordGatewayEmulator token reset', () => {
  let emulator: DiscordGatewayEmulator;

  beforeEach(async () => {
    emulator = await DiscordGatewayEmulator.start({ token: 'first-token' });
    emulator.addGuild('41771983444115456');
  });
  afterEach(() => emulator.close());

  const gatewayBot = async (token: string): Promise<number> => (await fetch(`${emulator.apiBaseUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${token}` } })).status;

  it('closes open sessions with 4004 and takes only the new token from then on (Identify and GET /gateway/bot)', async () => {
    const before = await identify(emulator, 'first-token');
    expect(before.ready).toBe(true);
    const closed = new Promise<number>((resolve) => before.socket.once('close', resolve));
    const token = emulator.resetToken('second-token');
    expect(token).toBe('second-token');
    expect(emulator.token).toBe('second-token');
    expect(await closed).toBe(GatewayCloseCodes.AuthenticationFailed);
    expect(emulator.sessions.size).toBe(0);
    expect(await gatewayBot('first-token')).toBe(401);
    expect(await gatewayBot('second-token')).toBe(200);
    // (A new Identify with the new token would wait out Discord's one-identify-per-5-s bucket: op 9 now.)
    expect((await identify(emulator, 'first-token')).closeCode).toBe(GatewayCloseCodes.AuthenticationFailed);
  });
});

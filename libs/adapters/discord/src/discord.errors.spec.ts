import { parseDiscordCloseCode, parseDiscordError } from './discord.errors';
import { closeRule, GATEWAY_CLOSE_RULES } from './gateway/gateway.protocol';

const response = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  ({ kind: 'response', status, headers: new Headers(headers), body, text: JSON.stringify(body) }) as const;

describe('parseDiscordError', () => {
  it('passes a 200 through', () => {
    expect(parseDiscordError(response(200, { url: 'wss://gateway.discord.gg' }))).toBeNull();
  });

  it.each([
    [401, 'AUTH_INVALID'],
    [403, 'PERMISSION_DENIED'],
    [404, 'NOT_FOUND'],
    [500, 'TRANSIENT'],
    [502, 'TRANSIENT'],
    [400, 'PROTOCOL'],
  ])('maps %i to %s and keeps Discord\'s message', (status, code) => {
    const error = parseDiscordError(response(status, { message: 'Missing Access', code: 50001 }));
    expect(error).toMatchObject({ code, platform: 'discord', status });
    expect(error?.message).toContain('Missing Access');
  });

  it('reads a 429\'s retry_after (fractional seconds) from the body over the header, and marks global limits', () => {
    const error = parseDiscordError(response(429, { message: 'You are being rate limited.', retry_after: 1.337, global: true }, { 'retry-after': '2' }));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 1337 });
    expect(error?.message).toMatch(/global/);
    expect(parseDiscordError(response(429, {}, { 'retry-after': '2' }))?.retryAfterMs).toBe(2000);
  });

  it('leaves timeouts, resets and malformed bodies to the kit', () => {
    expect(parseDiscordError({ kind: 'timeout', timeoutMs: 10 })?.code).toBe('TRANSIENT');
    expect(parseDiscordError({ kind: 'network', cause: new Error('ECONNRESET') })?.code).toBe('TRANSIENT');
    expect(parseDiscordError({ kind: 'malformed', status: 200, headers: new Headers(), text: '{' })?.code).toBe('PROTOCOL');
  });
});

describe('gateway close codes', () => {
  it('gives up with the right code on 4004 and 4010-4014 only', () => {
    expect(parseDiscordCloseCode(4004)).toMatchObject({ code: 'AUTH_INVALID', status: 4004 });
    expect(parseDiscordCloseCode(4014)).toMatchObject({ code: 'PERMISSION_DENIED', status: 4014 });
    for (const code of [4010, 4011, 4012, 4013]) expect(parseDiscordCloseCode(code)?.code).toBe('PROTOCOL');
    for (const code of [1000, 1001, 1006, 4000, 4001, 4002, 4003, 4005, 4007, 4008, 4009, 4900]) {
      expect(parseDiscordCloseCode(code)).toBeNull();
    }
  });

  it('re-identifies on 4007 and 4009 (and after auth confusion), resumes on the rest', () => {
    const actions = Object.fromEntries(Object.entries(GATEWAY_CLOSE_RULES).map(([code, rule]) => [code, rule.action]));
    expect(actions).toEqual({
      4000: 'resume', 4001: 'resume', 4002: 'resume', 4003: 'reidentify', 4004: 'fatal', 4005: 'reidentify',
      4007: 'reidentify', 4008: 'resume', 4009: 'reidentify', 4010: 'fatal', 4011: 'fatal', 4012: 'fatal',
      4013: 'fatal', 4014: 'fatal',
    });
    expect(closeRule(1006).action).toBe('resume');
  });
});

import type { HttpOutcome } from '@amo/presence-adapter-kit';
import { parseWhatsAppError } from './whatsapp.errors';

const graph = (status: number, error: Record<string, unknown>, headers: Record<string, string> = {}): HttpOutcome => ({
  kind: 'response',
  status,
  headers: new Headers(headers),
  body: { error: { message: 'm', type: 'OAuthException', fbtrace_id: 'trace', ...error } },
  text: '',
});

describe('parseWhatsAppError', () => {
  it('passes a 200 through', () => {
    expect(parseWhatsAppError({ kind: 'response', status: 200, headers: new Headers(), body: { id: '1' }, text: '' })).toBeNull();
  });

  it('maps an invalid token (190) to AUTH_INVALID whether Graph says 401 or 400', () => {
    expect(parseWhatsAppError(graph(401, { code: 190 }))?.code).toBe('AUTH_INVALID');
    expect(parseWhatsAppError(graph(400, { code: 190, error_subcode: 463 }))?.code).toBe('AUTH_INVALID');
    expect(parseWhatsAppError(graph(401, {}))?.message).toContain('fbtrace_id trace');
  });

  it('maps Graph rate limit codes to RATE_LIMITED with Retry-After', () => {
    for (const code of [4, 80007, 130429]) {
      const error = parseWhatsAppError(graph(400, { code }, { 'retry-after': '7' }), 0);
      expect(error?.code).toBe('RATE_LIMITED');
      expect(error?.retryAfterMs).toBe(7000);
    }
  });

  it('maps permission codes, unknown objects and transient codes', () => {
    expect(parseWhatsAppError(graph(403, { code: 10 }))?.code).toBe('PERMISSION_DENIED');
    expect(parseWhatsAppError(graph(400, { code: 200 }))?.code).toBe('PERMISSION_DENIED');
    expect(parseWhatsAppError(graph(400, { code: 100, error_subcode: 33 }))?.code).toBe('NOT_FOUND');
    expect(parseWhatsAppError(graph(500, { code: 2 }))?.code).toBe('TRANSIENT');
    expect(parseWhatsAppError(graph(400, { code: 1 }))?.code).toBe('TRANSIENT');
  });

  it('falls back to the generic mapping, keeping Graph\'s message', () => {
    const error = parseWhatsAppError(graph(400, { code: 100, message: 'Invalid parameter' }));
    expect(error?.code).toBe('PROTOCOL');
    expect(error?.message).toContain('Invalid parameter');
    expect(parseWhatsAppError({ kind: 'response', status: 503, headers: new Headers(), body: undefined, text: '' })?.code).toBe('TRANSIENT');
    expect(parseWhatsAppError({ kind: 'timeout', timeoutMs: 10 })?.code).toBe('TRANSIENT');
    expect(parseWhatsAppError({ kind: 'malformed', status: 200, headers: new Headers(), text: '{' })?.code).toBe('PROTOCOL');
  });
});

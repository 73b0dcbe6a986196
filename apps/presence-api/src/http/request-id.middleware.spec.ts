import { requestIdFrom } from './request-id.middleware';

describe('requestIdFrom', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it('keeps a sane caller id: 1..128 visible ASCII characters', () => {
    expect(requestIdFrom({ 'x-request-id': 'abc-123' })).toBe('abc-123');
    expect(requestIdFrom({ 'x-request-id': 'x'.repeat(128) })).toBe('x'.repeat(128));
  });

  it('replaces a missing, empty, long, spaced, control or non-ASCII one with a new UUID', () => {
    for (const given of [undefined, '', 'x'.repeat(129), 'a b', 'line\nbreak', 'caf\u00e9', '\u0000']) {
      expect(requestIdFrom({ 'x-request-id': given })).toMatch(UUID);
    }
    expect(requestIdFrom({})).not.toBe(requestIdFrom({}));
  });
});

import { parseClientFrame } from './stream-protocol';

describe('parseClientFrame', () => {
  it('accepts subscribe and unsubscribe frames', () => {
    expect(parseClientFrame('{"type":"subscribe","userIds":["alice"]}', false)).toEqual({
      ok: true,
      frame: { type: 'subscribe', userIds: ['alice'] },
    });
    expect(parseClientFrame(Buffer.from('{"type":"unsubscribe","userIds":["a","b"]}'), false)).toMatchObject({ ok: true });
  });

  it.each([
    ['not json', false, /not valid JSON/],
    ['{"type":"dance"}', false, /type must be/],
    ['{"type":"subscribe","userIds":"alice"}', false, /userIds must be an array/],
    ['{"type":"subscribe","userIds":[]}', false, /must not be empty/],
    [JSON.stringify({ type: 'subscribe', userIds: ['x'.repeat(257)] }), false, /at most 256/],
    [JSON.stringify({ type: 'subscribe', userIds: Array.from({ length: 1001 }, (_, i) => `u${i}`) }), false, /at most 1000/],
    ['{"type":"subscribe","userIds":["a"]}', true, /binary/],
  ])('rejects %s with a message', (data, binary, message) => {
    const result = parseClientFrame(data, binary);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.message).toMatch(message);
  });
});

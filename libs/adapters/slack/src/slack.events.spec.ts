import { signSlack } from '@amo/presence-adapter-kit';
import { handleSlackEvent, slackEventUpdate } from './slack.events';

const SECRET = 'signing-secret';
const NOW = Date.UTC(2025, 5, 2, 12, 0, 0);
const clock = { now: () => NOW };
const ts = Math.floor(NOW / 1000);

function signed(payload: unknown, timestamp = ts, secret = SECRET) {
  const rawBody = JSON.stringify(payload);
  return {
    headers: { 'X-Slack-Request-Timestamp': String(timestamp), 'X-Slack-Signature': signSlack(secret, timestamp, rawBody) },
    rawBody,
  };
}

const statusEvent = {
  type: 'event_callback',
  event_time: ts - 5,
  event: { type: 'user_status_changed', user: { id: 'U1', profile: { status_text: 'Commuting', status_emoji: ':bus:', status_expiration: 0 } } },
};
const dndEvent = {
  type: 'event_callback',
  event_time: ts,
  event: { type: 'dnd_updated_user', user: 'U1', dnd_status: { dnd_enabled: true, next_dnd_start_ts: ts - 10, next_dnd_end_ts: ts + 600 } },
};

describe('handleSlackEvent', () => {
  it('answers url_verification with the challenge', () => {
    const result = handleSlackEvent(signed({ type: 'url_verification', token: 't', challenge: 'abc123' }), { signingSecret: SECRET }, clock);
    expect(result).toMatchObject({ status: 200, body: 'abc123', type: 'url_verification', records: [] });
    expect(handleSlackEvent(signed({ type: 'url_verification' }), { signingSecret: SECRET }, clock).status).toBe(400);
  });

  it('turns a status change into an update, and a complete record when presence is known', () => {
    const known = () => ({ presence: 'active', presenceAt: NOW - 60_000 });
    const result = handleSlackEvent(signed(statusEvent), { signingSecret: SECRET }, clock, known);
    expect(result.status).toBe(200);
    expect(result.updates).toEqual([{ accountId: 'U1', at: (ts - 5) * 1000 + 999, status: { status_text: 'Commuting', status_emoji: ':bus:', status_expiration: 0 } }]);
    expect(result.records).toEqual([
      { platform: 'slack', accountId: 'U1', status: 'online', rawStatus: 'active', customMessage: ':bus: Commuting', observedAt: new Date((ts - 5) * 1000 + 999) },
    ]);
    expect(handleSlackEvent(signed(statusEvent), { signingSecret: SECRET }, clock).records).toEqual([]);
  });

  it('lets an event win over a poll made earlier in the same second (event_time has whole seconds)', () => {
    const sameSecond = { ...statusEvent, event_time: ts };
    const lateClock = { now: () => NOW + 800 };
    const known = () => ({ presence: 'active', status: { status_text: 'Old' }, statusAt: NOW + 500 });
    const result = handleSlackEvent(signed(sameSecond), { signingSecret: SECRET }, lateClock, known);
    expect(result.updates[0].at).toBe(NOW + 800);
    expect(result.records[0].customMessage).toBe(':bus: Commuting');
  });

  it('turns dnd_updated_user into a busy record for someone known to be active', () => {
    const result = handleSlackEvent(signed(dndEvent), { signingSecret: SECRET }, clock, () => ({ presence: 'active' }));
    expect(result.records[0]).toMatchObject({ status: 'busy', activity: 'Do not disturb', expiresAt: new Date((ts + 600) * 1000) });
  });

  it('rejects a wrong signature, a wrong secret, a replay older than five minutes, and changes nothing', () => {
    const known = jest.fn(() => ({ presence: 'active' }));
    const tampered = { ...signed(dndEvent), rawBody: JSON.stringify({ ...dndEvent, event_time: 1 }) };
    for (const request of [tampered, signed(dndEvent, ts, 'other-secret'), signed(dndEvent, ts - 301), { headers: {}, rawBody: JSON.stringify(dndEvent) }]) {
      const result = handleSlackEvent(request, { signingSecret: SECRET }, clock, known);
      expect(result).toMatchObject({ status: 401, records: [], updates: [] });
    }
    expect(known).not.toHaveBeenCalled();
    expect(handleSlackEvent(signed(dndEvent, ts - 299), { signingSecret: SECRET }, clock).status).toBe(200);
  });

  it('acknowledges events it does not use, refuses non-POST and non-JSON', () => {
    const other = handleSlackEvent(signed({ type: 'event_callback', event: { type: 'message', text: 'hi' } }), { signingSecret: SECRET }, clock);
    expect(other).toMatchObject({ status: 200, eventType: 'message', updates: [] });
    expect(handleSlackEvent(signed({ type: 'app_rate_limited' }), { signingSecret: SECRET }, clock)).toMatchObject({ status: 200, type: 'app_rate_limited' });
    expect(handleSlackEvent({ ...signed(dndEvent), method: 'GET' }, { signingSecret: SECRET }, clock).status).toBe(405);
    const rawBody = 'not json';
    const headers = { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signSlack(SECRET, ts, rawBody) };
    expect(handleSlackEvent({ headers, rawBody }, { signingSecret: SECRET }, clock).status).toBe(400);
    expect(handleSlackEvent(signed([1]), { signingSecret: SECRET }, clock).status).toBe(400);
  });

  it('reads headers from a fetch Headers object and arrays, and a Buffer body', () => {
    const request = signed(dndEvent);
    const headers = new Headers(request.headers);
    expect(handleSlackEvent({ headers, rawBody: Buffer.from(request.rawBody) }, { signingSecret: SECRET }, clock).updates).toHaveLength(1);
    const arrays = { 'x-slack-request-timestamp': [String(ts)], 'x-slack-signature': [request.headers['X-Slack-Signature']] };
    expect(handleSlackEvent({ headers: arrays, rawBody: request.rawBody }, { signingSecret: SECRET }, clock).status).toBe(200);
  });
});

describe('slackEventUpdate', () => {
  it('reads user_change too, and skips deleted users and malformed events', () => {
    const user = { id: 'U2', profile: { status_text: 'x' } };
    expect(slackEventUpdate({ type: 'user_change', user }, 5)).toEqual({ accountId: 'U2', at: 5, status: { status_text: 'x', status_emoji: '', status_expiration: 0 } });
    expect(slackEventUpdate({ type: 'user_change', user: { ...user, deleted: true } }, 5)).toBeUndefined();
    expect(slackEventUpdate({ type: 'user_change', user: { id: 'U2' } }, 5)).toBeUndefined();
    expect(slackEventUpdate({ type: 'dnd_updated_user', user: 'U2' }, 5)).toBeUndefined();
    expect(slackEventUpdate('nope', 5)).toBeUndefined();
  });
});

import type { PresenceDocument } from '@amo/presence-contract';
import { applyToPeople } from './stream-messages';

const envelope = { seq: 1, at: '2026-12-01T10:00:00.000Z' };
const alice: PresenceDocument = {
  userId: 'alice',
  status: 'online',
  available: true,
  decidedBy: 'slack', policy: 'highest-priority',
  platforms: { slack: { status: 'online', rawStatus: 'active', activity: null, customMessage: null, lastSeen: null, lastUpdated: '2026-12-01T09:00:00.000Z', stale: false } },
  updatedAt: '2026-12-01T09:00:00.000Z',
};

describe('applyToPeople', () => {
  it('takes a snapshot whole, then applies presence and aggregate changes to it', () => {
    const people = new Map<string, PresenceDocument | null>();
    applyToPeople(people, { type: 'snapshot', userId: 'alice', presence: structuredClone(alice), ...envelope });
    const zoom = { status: 'busy', rawStatus: 'Do_Not_Disturb', activity: 'Do not disturb', customMessage: null, lastSeen: null, lastUpdated: '2026-12-01T10:00:00.000Z' } as const;
    expect(applyToPeople(people, { type: 'presence', userId: 'alice', platform: 'zoom', presence: zoom, ...envelope })).toBe(true);
    applyToPeople(people, { type: 'aggregate', userId: 'alice', status: 'busy', previousStatus: 'online', available: false, decidedBy: 'zoom', policy: 'highest-priority', ...envelope });
    expect(people.get('alice')).toEqual({
      ...alice,
      status: 'busy',
      available: false,
      decidedBy: 'zoom', policy: 'highest-priority',
      platforms: { ...alice.platforms, zoom: { ...zoom, stale: false } },
      updatedAt: '2026-12-01T10:00:00.000Z',
    });
  });

  it('keeps null for a person the service does not know, and starts a document when they get linked', () => {
    const people = new Map<string, PresenceDocument | null>();
    applyToPeople(people, { type: 'snapshot', userId: 'zed', presence: null, ...envelope });
    expect(people.get('zed')).toBeNull();
    const awaiting = { status: 'unknown', rawStatus: null, activity: null, customMessage: null, lastSeen: null, lastUpdated: null, stale: true } as const;
    applyToPeople(people, { type: 'presence', userId: 'zed', platform: 'whatsapp', presence: awaiting, ...envelope });
    expect(people.get('zed')).toEqual({ userId: 'zed', status: 'unknown', available: false, decidedBy: null, policy: 'highest-priority', platforms: { whatsapp: awaiting }, updatedAt: null });
  });

  it('changes nothing for acknowledgements and platform messages', () => {
    const people = new Map<string, PresenceDocument | null>();
    expect(applyToPeople(people, { type: 'subscribed', all: true, ...envelope })).toBe(false);
    expect(applyToPeople(people, { type: 'platform', platform: 'zoom', state: 'up', ...envelope })).toBe(false);
    expect(people.size).toBe(0);
  });
});

import { OAuthStateStore } from './oauth-state.store';

describe('OAuthStateStore', () => {
  const entry = { platform: 'slack' as const, codeVerifier: 'v', redirectUri: 'http://x/cb', client: { clientId: 'id' } };

  it('hands a state out once, for its own platform, within its lifetime', () => {
    let now = 0;
    const store = new OAuthStateStore({ now: () => now }, 600_000, 2);
    store.put('a', entry);
    expect(store.take('a', 'slack')?.codeVerifier).toBe('v');
    expect(store.take('a', 'slack')).toBeUndefined();
    store.put('b', entry);
    expect(store.take('b', 'zoom')).toBeUndefined();
    expect(store.take('b', 'slack')).toBeUndefined();
    store.put('c', entry);
    now = 600_000;
    expect(store.take('c', 'slack')).toBeUndefined();
  });

  it('keeps at most the configured number of pending states', () => {
    const store = new OAuthStateStore({ now: () => 0 }, 1000, 2);
    store.put('a', entry);
    store.put('b', entry);
    store.put('c', entry);
    expect(store.take('a', 'slack')).toBeUndefined();
    expect(store.take('c', 'slack')).toBeDefined();
  });
});

import { TimerScheduler } from '../ports/scheduler';
import { InvalidInputError } from '../model/errors';
import type { Platform } from '../model/platform';
import type { IdentityDirectory } from './identity-directory';
import { InMemoryIdentityDirectory } from './identity-directory';
import { PresenceAggregator } from '../facade/presence-aggregator';
import { ID_PATTERN, idProblem, isValidId, MAX_ID_LENGTH, validateId } from './id-rule';

/** Ids that reached the database before (a NUL is a 500 on PostgreSQL; the rest were stored on SQLite). */
const BAD_IDS: readonly [string, string][] = [
  ['NUL', 'a\u0000b'],
  ['tab', 'a\tb'],
  ['newline', 'a\nb'],
  ['escape', '\u001b[31m'],
  ['DEL', 'a\u007f'],
  ['C1 (NEL)', 'a\u0085'],
  ['C1 (CSI)', '\u009b'],
  ['lone high surrogate', 'a\ud83d'],
  ['lone low surrogate', '\ude00b'],
  ['reversed surrogate pair', '\ude00\ud83d'],
  ['too long', 'x'.repeat(MAX_ID_LENGTH + 1)],
  ['empty', ''],
];

const GOOD_IDS = ['alice', 'U024BE7LH', 'alice@example.com', 'Zoë Ñandú', '山田 太郎', 'emoji 😀', 'a b', 'x'.repeat(MAX_ID_LENGTH), '\u00a0nbsp'];

describe('the id rule (one definition for core, store, HTTP, stream and webhooks)', () => {
  it.each(BAD_IDS)('rejects %s', (_name, id) => {
    expect(isValidId(id)).toBe(false);
    expect(idProblem(id, 'userId')).toMatch(/^userId /);
    expect(() => validateId(id, 'userId')).toThrow(InvalidInputError);
  });

  it('accepts printable Unicode, astral characters as pairs included', () => {
    for (const id of GOOD_IDS) {
      expect(isValidId(id)).toBe(true);
      expect(idProblem(id)).toBeUndefined();
      expect(validateId(id)).toBe(id);
    }
  });

  it('has a pattern (for OpenAPI and schemas) that agrees with isValidId on every character case', () => {
    for (const [, id] of BAD_IDS) if (id.length > 0 && id.length <= MAX_ID_LENGTH) expect(ID_PATTERN.test(id)).toBe(false);
    for (const id of GOOD_IDS) expect(ID_PATTERN.test(id)).toBe(true);
    for (let code = 0; code <= 0xffff; code++) {
      const id = `a${String.fromCharCode(code)}`;
      expect(ID_PATTERN.test(id)).toBe(isValidId(id));
    }
  });

  it('says what is wrong and where', () => {
    expect(idProblem('ab\u0000', 'userId')).toBe('userId must be printable text: a control character (U+0000) at position 2');
    expect(idProblem('a\ud83d', 'slack account id')).toBe('slack account id must be printable text: a lone surrogate (U+D83D) at position 1');
    expect(idProblem('x'.repeat(257))).toBe(`id must be at most ${MAX_ID_LENGTH} characters`);
    expect(idProblem(5, 'userId')).toBe('userId must be a string');
    expect(idProblem('', 'name')).toBe('name must not be empty');
    expect(idProblem('x'.repeat(129), 'name', 128)).toBe('name must be at most 128 characters');
  });
});

describe('the library facade checks ids with the rule', () => {
  it.each(BAD_IDS)('refuses %s on every method that takes a person or account id', (_name, id) => {
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler() });
    expect(() => aggregator.directory.link(id, 'slack', 'U1')).toThrow(InvalidInputError);
    expect(() => aggregator.directory.link('alice', 'slack', id)).toThrow(InvalidInputError);
    expect(() => aggregator.getAggregatedPresence(id)).toThrow(InvalidInputError);
    expect(() => aggregator.getUserPresence(id)).toThrow(InvalidInputError);
    expect(() => aggregator.explain(id)).toThrow(InvalidInputError);
    expect(() => aggregator.areUsersAvailable(['alice', id])).toThrow(InvalidInputError);
    expect(() => aggregator.forget(id)).toThrow(InvalidInputError);
    const record = { userId: id, platform: 'slack' as const, status: 'online' as const, lastUpdated: new Date(1_000) };
    expect(() => aggregator.restore(id, record, 1_000)).toThrow(InvalidInputError);
    expect(aggregator.directory.people()).toEqual([]);
    expect(aggregator.getPresenceStatistics().peopleTracked).toBe(0);
  });

  it('drops and counts a reading whose account id breaks the rule, even from a directory that does not check', () => {
    const links = new Map<string, string>([['U\u0000', 'mallory'], ['U1', 'alice']]);
    const inner = new InMemoryIdentityDirectory();
    inner.link('alice', 'slack', 'U1');
    const directory: IdentityDirectory = {
      ...Object.fromEntries(
        Object.getOwnPropertyNames(InMemoryIdentityDirectory.prototype).map((name) => [name, (...args: unknown[]) => (inner as unknown as Record<string, (...a: unknown[]) => unknown>)[name](...args)]),
      ),
      personOf: (_platform: Platform, accountId: string) => links.get(accountId),
    } as unknown as IdentityDirectory;
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler(), directory });
    const reading = (accountId: string) => ({ platform: 'slack' as const, accountId, status: 'online' as const, rawStatus: 'active', observedAt: new Date(1_000) });
    expect(aggregator.ingest('slack', [reading('U\u0000'), reading('U1')])).toBe(1);
    expect(aggregator.getPresenceStatistics()).toMatchObject({ dropped: 1, peopleTracked: 1 });
    expect(aggregator.getUserPresence('alice').slack?.status).toBe('online');
  });
});

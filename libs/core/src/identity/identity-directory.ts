import { PLATFORMS, type Platform } from '../model/platform';
import { isValidId, validateId } from './id-rule';
import { PersonIndex } from './person-index';

const SLOTS = PLATFORMS.length;

/** An account already belongs to someone else; the API answers 409. */
export class IdentityConflictError extends Error {
  override readonly name = 'IdentityConflictError';
  readonly code = 'CONFLICT';
}

/** A person's accounts by platform slot, in {@link PLATFORMS} order; `undefined` where not linked. */
export type LinkedAccounts = readonly (string | undefined)[];

/** Maps a person (AMO user id) to one account per platform, and each account back to its one person. */
export interface IdentityDirectory {
  link(userId: string, platform: Platform, accountId: string): void;
  unlink(userId: string, platform?: Platform): void;
  accountOf(userId: string, platform: Platform): string | undefined;
  personOf(platform: Platform, accountId: string): string | undefined;
  accountsOf(userId: string): Partial<Record<Platform, string>>;
  accountsOn(platform: Platform): string[];
  /** How many accounts are linked on a platform, without listing them. */
  accountCount(platform: Platform): number;
  people(): string[];
  has(userId: string): boolean;
  /**
   * One platform's account -> person links as a live, read-only map (the same object on every call), read
   * without a copy. (The in-memory directory also resolves accounts straight to the presence table's rows.)
   */
  peopleOn(platform: Platform): ReadonlyMap<string, string>;
  /** A person's accounts by platform slot, without a copy (read only), or undefined for nobody. */
  linkedAccounts(userId: string): LinkedAccounts | undefined;
}

/** Slot by platform name, for names read from a store (a Map: no prototype keys). */
const SLOT_OF = new Map<string, number>(PLATFORMS.map((platform, index) => [platform, index]));
const SLOT: Readonly<Record<Platform, number>> = Object.freeze(Object.fromEntries(PLATFORMS.map((platform, index) => [platform, index])) as Record<Platform, number>);

/**
 * Both directions in flat form: per platform one Map from account to the person's handle in a
 * {@link PersonIndex} (shared with the presence table, so a reading resolves to its row with one lookup), per
 * person one six-slot array of accounts, and a bit mask of linked platforms per handle in the index.
 */
export class InMemoryIdentityDirectory implements IdentityDirectory {
  private ids: PersonIndex;
  private readonly accounts: ((string | undefined)[] | undefined)[] = [];
  private readonly byAccount: Map<string, number>[] = PLATFORMS.map(() => new Map<string, number>());
  private readonly views: ReadonlyMap<string, string>[];

  constructor(index: PersonIndex = new PersonIndex()) {
    this.ids = index;
    this.views = this.byAccount.map((handles) => new PeopleView(handles, () => this.ids));
  }

  /** The person index the links point into. */
  get index(): PersonIndex {
    return this.ids;
  }

  /**
   * Moves every link onto another index (the presence table's), so accounts resolve straight to the table's
   * handles. Done once, when an aggregator is built on this directory.
   */
  shareIndex(index: PersonIndex): void {
    if (index === this.ids) return;
    const links: [string, Platform, string][] = [];
    for (let handle = 0; handle < this.accounts.length; handle++) {
      const accounts = this.accounts[handle];
      const userId = this.ids.userIdOf[handle];
      if (accounts === undefined || userId === undefined) continue;
      for (let slot = 0; slot < SLOTS; slot++) if (accounts[slot] !== undefined) links.push([userId, PLATFORMS[slot], accounts[slot] as string]);
      this.drop(handle);
    }
    for (const handles of this.byAccount) handles.clear();
    this.ids = index;
    for (const [userId, platform, accountId] of links) this.link(userId, platform, accountId);
  }

  /** One platform's account -> handle links, live and read only: the hot path's one lookup per reading. */
  handlesOn(platform: Platform): ReadonlyMap<string, number> {
    return this.byAccount[SLOT[platform]];
  }

  link(userId: string, platform: Platform, accountId: string): void {
    validateId(userId, 'userId');
    validateId(accountId, `${platform} account id`);
    const slot = SLOT[platform];
    const owners = this.byAccount[slot];
    const owner = owners.get(accountId);
    if (owner !== undefined && this.ids.userIdOf[owner] !== userId) {
      throw new IdentityConflictError(`${platform} account ${accountId} is already linked to another person`);
    }
    const index = this.ids;
    const handle = index.intern(userId);
    let accounts = this.accounts[handle];
    if (accounts === undefined) {
      accounts = [undefined, undefined, undefined, undefined, undefined, undefined];
      this.accounts[handle] = accounts;
    }
    const previous = accounts[slot];
    if (previous !== undefined && previous !== accountId) owners.delete(previous);
    accounts[slot] = accountId;
    owners.set(accountId, handle);
    index.linked[handle] |= 1 << slot;
  }

  /** Makes room for `people` people at once before a restore (the person index and the table grow once). */
  reserve(people: number): void {
    this.ids.reserve(people);
  }

  /**
   * Links a store's page of links (columns: link i is element i of each array) as {@link link} would one by one,
   * for start-up: a person's links come together, so their id is looked up once, and each account costs one
   * map write (the lookup that checks its owner happens only when the account was already linked). Links whose
   * ids break the id rule, or whose platform core does not know, are left out; returns how many were linked.
   * Throws IdentityConflictError, as `link` does, for an account another person holds.
   */
  restoreLinks(userIds: readonly string[], platforms: readonly string[], accountIds: readonly string[]): number {
    const index = this.ids;
    let count = 0;
    let lastUserId: string | undefined;
    let handle = -1;
    let accounts: (string | undefined)[] = [];
    for (let i = 0; i < userIds.length; i++) {
      const slot = SLOT_OF.get(platforms[i]);
      const accountId = accountIds[i];
      if (slot === undefined || !isValidId(accountId)) continue;
      const userId = userIds[i];
      if (userId !== lastUserId) {
        if (!isValidId(userId)) continue;
        handle = index.intern(userId);
        accounts = this.accounts[handle] ?? (this.accounts[handle] = [undefined, undefined, undefined, undefined, undefined, undefined]);
        lastUserId = userId;
      }
      const owners = this.byAccount[slot];
      const size = owners.size;
      owners.set(accountId, handle);
      if (owners.size === size && accounts[slot] !== accountId) this.undoTakenAccount(slot, accountId, handle);
      const previous = accounts[slot];
      if (previous !== undefined && previous !== accountId) owners.delete(previous);
      accounts[slot] = accountId;
      index.linked[handle] |= 1 << slot;
      count++;
    }
    return count;
  }

  unlink(userId: string, platform?: Platform): void {
    const handle = this.ids.handleOf(userId);
    const accounts = handle < 0 ? undefined : this.accounts[handle];
    if (!accounts) return;
    for (let slot = 0; slot < SLOTS; slot++) {
      const accountId = accounts[slot];
      if (accountId === undefined || (platform !== undefined && SLOT[platform] !== slot)) continue;
      this.byAccount[slot].delete(accountId);
      accounts[slot] = undefined;
      this.ids.linked[handle] &= ~(1 << slot);
    }
    if (this.ids.linked[handle] === 0) this.drop(handle);
  }

  accountOf(userId: string, platform: Platform): string | undefined {
    return this.linkedAccounts(userId)?.[SLOT[platform]];
  }

  personOf(platform: Platform, accountId: string): string | undefined {
    const handle = this.byAccount[SLOT[platform]]?.get(accountId);
    return handle === undefined ? undefined : this.ids.userIdOf[handle];
  }

  accountsOf(userId: string): Partial<Record<Platform, string>> {
    const out: Partial<Record<Platform, string>> = {};
    const accounts = this.linkedAccounts(userId);
    if (accounts) for (let slot = 0; slot < accounts.length; slot++) if (accounts[slot] !== undefined) out[PLATFORMS[slot]] = accounts[slot];
    return out;
  }

  accountsOn(platform: Platform): string[] {
    return [...this.byAccount[SLOT[platform]].keys()];
  }

  accountCount(platform: Platform): number {
    return this.byAccount[SLOT[platform]].size;
  }

  people(): string[] {
    const out: string[] = [];
    const { linked, userIdOf, end } = this.ids;
    for (let handle = 0; handle < end; handle++) if (linked[handle] !== 0) out.push(userIdOf[handle] as string);
    return out;
  }

  has(userId: string): boolean {
    const handle = this.ids.handleOf(userId);
    return handle >= 0 && this.ids.linked[handle] !== 0;
  }

  peopleOn(platform: Platform): ReadonlyMap<string, string> {
    return this.views[SLOT[platform]] ?? EMPTY;
  }

  linkedAccounts(userId: string): LinkedAccounts | undefined {
    const handle = this.ids.handleOf(userId);
    return handle < 0 ? undefined : this.accounts[handle];
  }

  /**
   * {@link restoreLinks} wrote `handle` over an account that was already linked to someone else: gives it back
   * to its owner (found by a scan: this happens only when the store's links clash with links made before the
   * restore) and refuses, as `link` does.
   */
  private undoTakenAccount(slot: number, accountId: string, handle: number): void {
    const owner = this.accounts.findIndex((accounts, held) => held !== handle && accounts?.[slot] === accountId);
    if (owner >= 0) this.byAccount[slot].set(accountId, owner);
    else this.byAccount[slot].delete(accountId);
    if (this.ids.linked[handle] === 0) this.drop(handle);
    throw new IdentityConflictError(`${PLATFORMS[slot]} account ${accountId} is already linked to another person`);
  }

  private drop(handle: number): void {
    this.accounts[handle] = undefined;
    this.ids.linked[handle] = 0;
    this.ids.releaseIfUnused(handle);
  }
}

const EMPTY: ReadonlyMap<string, string> = new Map();

/** A platform's account -> handle map seen as account -> person id (live, read only, no copy). */
class PeopleView implements ReadonlyMap<string, string> {
  constructor(
    private readonly handles: ReadonlyMap<string, number>,
    private readonly index: () => PersonIndex,
  ) {}

  get size(): number {
    return this.handles.size;
  }

  get(accountId: string): string | undefined {
    const handle = this.handles.get(accountId);
    return handle === undefined ? undefined : this.index().userIdOf[handle];
  }

  has(accountId: string): boolean {
    return this.handles.has(accountId);
  }

  forEach(callback: (userId: string, accountId: string, map: ReadonlyMap<string, string>) => void): void {
    for (const [accountId, userId] of this.entries()) callback(userId, accountId, this);
  }

  *entries(): MapIterator<[string, string]> {
    const { userIdOf } = this.index();
    for (const [accountId, handle] of this.handles) yield [accountId, userIdOf[handle] as string];
  }

  keys(): MapIterator<string> {
    return this.handles.keys();
  }

  *values(): MapIterator<string> {
    for (const [, userId] of this.entries()) yield userId;
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
}

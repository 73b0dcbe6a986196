import { InvalidInputError } from '../model/errors';
import { PLATFORMS, type Platform } from '../model/platform';

/** An account already belongs to someone else; the API answers 409. */
export class IdentityConflictError extends Error {
  override readonly name = 'IdentityConflictError';
  readonly code = 'CONFLICT';
}

export const MAX_ID_LENGTH = 256;

/** A person id or platform account id: a non-empty string of at most 256 characters. */
export function validateId(value: unknown, what = 'id'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
    throw new InvalidInputError(`${what} must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
  }
  return value;
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
   * One platform's account -> person links as a live, read-only map (the same object on every call): the
   * aggregator resolves each reading with one lookup and reads the platform's size without a copy.
   */
  peopleOn(platform: Platform): ReadonlyMap<string, string>;
  /** A person's accounts by platform slot, without a copy (read only), or undefined for nobody. */
  linkedAccounts(userId: string): LinkedAccounts | undefined;
}

const SLOT: Readonly<Record<Platform, number>> = Object.freeze(Object.fromEntries(PLATFORMS.map((platform, index) => [platform, index])) as Record<Platform, number>);

/**
 * Both directions in flat form: per platform one Map from account to person, per person one six-slot array
 * (an object per person with platform keys costs more and is slower to scan).
 */
export class InMemoryIdentityDirectory implements IdentityDirectory {
  private readonly byPerson = new Map<string, (string | undefined)[]>();
  private readonly byAccount: Map<string, string>[] = PLATFORMS.map(() => new Map<string, string>());

  link(userId: string, platform: Platform, accountId: string): void {
    validateId(userId, 'userId');
    validateId(accountId, `${platform} account id`);
    const slot = SLOT[platform];
    const owners = this.byAccount[slot];
    const owner = owners.get(accountId);
    if (owner !== undefined && owner !== userId) {
      throw new IdentityConflictError(`${platform} account ${accountId} is already linked to another person`);
    }
    let accounts = this.byPerson.get(userId);
    if (accounts === undefined) {
      accounts = [undefined, undefined, undefined, undefined, undefined, undefined];
      this.byPerson.set(userId, accounts);
    }
    const previous = accounts[slot];
    if (previous !== undefined && previous !== accountId) owners.delete(previous);
    accounts[slot] = accountId;
    owners.set(accountId, userId);
  }

  unlink(userId: string, platform?: Platform): void {
    const accounts = this.byPerson.get(userId);
    if (!accounts) return;
    for (let slot = 0; slot < accounts.length; slot++) {
      const accountId = accounts[slot];
      if (accountId === undefined || (platform !== undefined && SLOT[platform] !== slot)) continue;
      this.byAccount[slot].delete(accountId);
      accounts[slot] = undefined;
    }
    if (accounts.every((accountId) => accountId === undefined)) this.byPerson.delete(userId);
  }

  accountOf(userId: string, platform: Platform): string | undefined {
    return this.byPerson.get(userId)?.[SLOT[platform]];
  }

  personOf(platform: Platform, accountId: string): string | undefined {
    return this.byAccount[SLOT[platform]]?.get(accountId);
  }

  accountsOf(userId: string): Partial<Record<Platform, string>> {
    const out: Partial<Record<Platform, string>> = {};
    const accounts = this.byPerson.get(userId);
    if (accounts) for (let slot = 0; slot < accounts.length; slot++) if (accounts[slot] !== undefined) out[PLATFORMS[slot]] = accounts[slot];
    return out;
  }

  accountsOn(platform: Platform): string[] {
    return [...this.peopleOn(platform).keys()];
  }

  accountCount(platform: Platform): number {
    return this.peopleOn(platform).size;
  }

  people(): string[] {
    return [...this.byPerson.keys()];
  }

  has(userId: string): boolean {
    return this.byPerson.has(userId);
  }

  peopleOn(platform: Platform): ReadonlyMap<string, string> {
    return this.byAccount[SLOT[platform]] ?? EMPTY;
  }

  linkedAccounts(userId: string): LinkedAccounts | undefined {
    return this.byPerson.get(userId);
  }
}

const EMPTY: ReadonlyMap<string, string> = new Map();

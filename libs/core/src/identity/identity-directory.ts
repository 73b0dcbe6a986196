import { InvalidInputError } from '../model/errors';
import type { Platform } from '../model/platform';

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
}

export class InMemoryIdentityDirectory implements IdentityDirectory {
  private readonly byPerson = new Map<string, Partial<Record<Platform, string>>>();
  private readonly byAccount = new Map<Platform, Map<string, string>>();

  link(userId: string, platform: Platform, accountId: string): void {
    validateId(userId, 'userId');
    validateId(accountId, `${platform} account id`);
    const owners = this.owners(platform);
    const owner = owners.get(accountId);
    if (owner !== undefined && owner !== userId) {
      throw new IdentityConflictError(`${platform} account ${accountId} is already linked to another person`);
    }
    const accounts = this.byPerson.get(userId) ?? {};
    const previous = accounts[platform];
    if (previous !== undefined && previous !== accountId) owners.delete(previous);
    accounts[platform] = accountId;
    this.byPerson.set(userId, accounts);
    owners.set(accountId, userId);
  }

  unlink(userId: string, platform?: Platform): void {
    const accounts = this.byPerson.get(userId);
    if (!accounts) return;
    for (const [linked, accountId] of Object.entries(accounts) as [Platform, string][]) {
      if (platform !== undefined && linked !== platform) continue;
      this.owners(linked).delete(accountId);
      delete accounts[linked];
    }
    if (Object.keys(accounts).length === 0) this.byPerson.delete(userId);
  }

  accountOf(userId: string, platform: Platform): string | undefined {
    return this.byPerson.get(userId)?.[platform];
  }

  personOf(platform: Platform, accountId: string): string | undefined {
    return this.byAccount.get(platform)?.get(accountId);
  }

  accountsOf(userId: string): Partial<Record<Platform, string>> {
    return { ...this.byPerson.get(userId) };
  }

  accountsOn(platform: Platform): string[] {
    return [...(this.byAccount.get(platform)?.keys() ?? [])];
  }

  accountCount(platform: Platform): number {
    return this.byAccount.get(platform)?.size ?? 0;
  }

  people(): string[] {
    return [...this.byPerson.keys()];
  }

  has(userId: string): boolean {
    return this.byPerson.has(userId);
  }

  private owners(platform: Platform): Map<string, string> {
    let owners = this.byAccount.get(platform);
    if (!owners) {
      owners = new Map();
      this.byAccount.set(platform, owners);
    }
    return owners;
  }
}

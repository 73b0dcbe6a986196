import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '@amo/presence-core';

/** An app registration in one tenant, as the emulator's token endpoint knows it. */
export interface GraphEmulatorTenant {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Whether Presence.Read.All (application) is granted; false answers 403 Authorization_RequestDenied. */
  presencePermission?: boolean;
}

/** What a bearer token stands for. */
export interface IssuedToken {
  tenantId: string;
  clientId: string;
  kind: 'app' | 'delegated';
  /** The signed-in user of a delegated token. */
  userId?: string;
  expiresAt: number;
}

export interface DelegatedTokenSet {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  userId: string;
}

function opaque(prefix: string): string {
  return `${prefix}.${randomBytes(24).toString('base64url')}`;
}

/** Issues and checks the emulator's opaque bearer tokens (app-only and delegated) on the emulator clock. */
export class GraphTokens {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly refreshTokens = new Map<string, { tenantId: string; clientId: string; userId: string }>();

  constructor(
    private readonly clock: Clock,
    private readonly lifetimeSec: number,
  ) {}

  issueApp(tenant: GraphEmulatorTenant): { accessToken: string; expiresIn: number } {
    const accessToken = opaque('app');
    this.tokens.set(accessToken, { tenantId: tenant.tenantId, clientId: tenant.clientId, kind: 'app', expiresAt: this.clock.now() + this.lifetimeSec * 1000 });
    return { accessToken, expiresIn: this.lifetimeSec };
  }

  issueDelegated(tenant: GraphEmulatorTenant, userId: string = randomUUID(), lifetimeSec = this.lifetimeSec): DelegatedTokenSet {
    const accessToken = opaque('user');
    const refreshToken = opaque('refresh');
    const expiresAt = this.clock.now() + lifetimeSec * 1000;
    this.tokens.set(accessToken, { tenantId: tenant.tenantId, clientId: tenant.clientId, kind: 'delegated', userId, expiresAt });
    this.refreshTokens.set(refreshToken, { tenantId: tenant.tenantId, clientId: tenant.clientId, userId });
    return { accessToken, refreshToken, expiresAt, userId };
  }

  /** Redeems a refresh token (single use, rotated) for a new delegated token set. */
  redeem(refreshToken: string, tenant: GraphEmulatorTenant): DelegatedTokenSet | undefined {
    const grant = this.refreshTokens.get(refreshToken);
    if (!grant || grant.tenantId !== tenant.tenantId || grant.clientId !== tenant.clientId) return undefined;
    this.refreshTokens.delete(refreshToken);
    return this.issueDelegated(tenant, grant.userId);
  }

  /** The token's grant, or undefined when unknown, revoked or expired. */
  check(authorization: string | undefined): IssuedToken | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const issued = match ? this.tokens.get(match[1]) : undefined;
    return issued && issued.expiresAt > this.clock.now() ? issued : undefined;
  }

  /** Every token issued so far expires now, as its lifetime passing would (refresh tokens still redeem). */
  expireAll(): void {
    const now = this.clock.now();
    for (const token of this.tokens.values()) token.expiresAt = Math.min(token.expiresAt, now);
  }

  /** Invalidates every token issued so far (the next call answers 401 and the client must fetch a new one). */
  revokeAll(): void {
    this.tokens.clear();
  }
}

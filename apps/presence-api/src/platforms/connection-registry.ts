import type { Platform, PresenceError } from '@amo/presence-core';
import { Injectable } from '@nestjs/common';

/** Where a platform's credentials came from. */
export type ConnectionSource = 'env' | 'stored' | 'api' | 'oauth' | 'sandbox';

export interface ActiveConnection {
  credentials: Readonly<Record<string, unknown>>;
  source: ConnectionSource;
  connectedAt: Date;
}

export interface FailedConnection {
  error: PresenceError;
  source: ConnectionSource;
  at: Date;
  /** True while the service keeps trying (transient failures); false after auth or permission failures. */
  retrying: boolean;
}

/** The credentials each connected platform runs with (webhook secrets come from here), and failed attempts. */
@Injectable()
export class ConnectionRegistry {
  private readonly active = new Map<Platform, ActiveConnection>();
  private readonly failures = new Map<Platform, FailedConnection>();

  setActive(platform: Platform, connection: ActiveConnection): void {
    this.active.set(platform, connection);
    this.failures.delete(platform);
  }

  setFailed(platform: Platform, failure: FailedConnection): void {
    this.failures.set(platform, failure);
  }

  get(platform: Platform): ActiveConnection | undefined {
    return this.active.get(platform);
  }

  failure(platform: Platform): FailedConnection | undefined {
    return this.failures.get(platform);
  }

  credentials(platform: Platform): Readonly<Record<string, unknown>> | undefined {
    return this.active.get(platform)?.credentials;
  }

  clear(): void {
    this.active.clear();
    this.failures.clear();
  }
}

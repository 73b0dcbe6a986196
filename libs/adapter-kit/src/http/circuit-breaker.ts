import { PresenceError, type BreakerState, type Platform } from '@amo/presence-core';
import {
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
} from 'cockatiel';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit, default 5. */
  failureThreshold?: number;
  /** How long it stays open before one trial call is let through, default 30 000 ms. */
  cooldownMs?: number;
}

/** Marks the error a client throws while its circuit is open, so the retry loop does not retry it. */
export class CircuitOpenError extends PresenceError {}

/**
 * cockatiel's consecutive-failure breaker (closed -> open after N failures, half-open after the cool-down, closed on
 * a successful trial), plus what the health snapshot needs: the state as core names it and the time left while open.
 * cockatiel times the cool-down with Date.now(), which jest's modern fake timers drive.
 */
export class PlatformBreaker {
  private readonly policy: CircuitBreakerPolicy;
  private readonly cooldownMs: number;
  private openedAt = 0;

  constructor(
    private readonly platform: Platform,
    options: BreakerOptions,
    isFailure: (error: Error) => boolean,
  ) {
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.policy = circuitBreaker(handleWhen(isFailure), {
      halfOpenAfter: this.cooldownMs,
      breaker: new ConsecutiveBreaker(options.failureThreshold ?? 5),
    });
    this.policy.onBreak(() => {
      this.openedAt = Date.now();
    });
  }

  async execute<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(fn);
    } catch (error) {
      if (isBrokenCircuitError(error)) {
        throw new CircuitOpenError('TRANSIENT', `${this.platform} circuit is open after repeated failures`, {
          platform: this.platform,
          retryAfterMs: this.retryInMs(),
        });
      }
      throw error;
    }
  }

  /** Open with the cool-down elapsed reads as half-open: the next call is the trial. */
  state(): BreakerState {
    switch (this.policy.state) {
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.HalfOpen:
        return 'half-open';
      default:
        return this.retryInMs() > 0 ? 'open' : 'half-open';
    }
  }

  /** While open: ms until a trial call is let through; 0 otherwise. */
  retryInMs(): number {
    if (this.policy.state !== CircuitState.Open) return 0;
    return Math.max(0, this.openedAt + this.cooldownMs - Date.now());
  }
}

import type { AdapterContext } from '@amo/presence-core';
import type { PlatformHttpClientOptions } from './platform-http-client';

/** The retry policy an adapter's config may set for its platform client; the kit's defaults where absent. */
export type HttpRetryPolicy = Pick<PlatformHttpClientOptions, 'timeoutMs' | 'maxRetries' | 'maxRetryWaitMs' | 'backoff' | 'breaker'>;

/** What an adapter's deps inject into its platform client: time and timers, fetch, the shared budgets, jitter. */
export type HttpClientDeps = Pick<PlatformHttpClientOptions, 'clock' | 'fetch' | 'budgets' | 'random'>;

/** Every {@link PlatformHttpClientOptions} an adapter passes through unchanged. */
export type HttpClientTuning = HttpRetryPolicy & HttpClientDeps;

/**
 * The pass-through options for a platform client: the retry policy out of `policy` (an adapter's config) and the
 * injected edges out of `deps`, and nothing else, so credentials and URLs never ride along by accident. A client
 * whose options hold both passes them twice: `httpClientTuning(options, options)`.
 */
export function httpClientTuning(policy: HttpRetryPolicy, deps: HttpClientDeps): HttpClientTuning {
  return {
    timeoutMs: policy.timeoutMs,
    maxRetries: policy.maxRetries,
    maxRetryWaitMs: policy.maxRetryWaitMs,
    backoff: policy.backoff,
    breaker: policy.breaker,
    clock: deps.clock,
    fetch: deps.fetch,
    budgets: deps.budgets,
    random: deps.random,
  };
}

/**
 * The retry policy a descriptor's factory takes from the service's adapter context: its retries, and the timeout
 * and breaker cool-down when the service sets them (the kit's defaults otherwise). Spread it into the adapter's
 * config: `createXAdapter({ ...credentials, ...contextRetryPolicy(context) }, deps)`.
 */
export function contextRetryPolicy(context: Pick<AdapterContext, 'maxRetries' | 'http'>): Pick<HttpRetryPolicy, 'maxRetries' | 'timeoutMs' | 'breaker'> {
  const cooldownMs = context.http?.breakerCooldownMs;
  return {
    maxRetries: context.maxRetries,
    timeoutMs: context.http?.timeoutMs,
    breaker: cooldownMs === undefined ? undefined : { cooldownMs },
  };
}

import { type Clock, systemClock } from '@amo/presence-core';
import type { Provider } from '@nestjs/common';

/** The service's clock; tests may override the provider to drive time. */
export const CLOCK = Symbol('CLOCK');

export const clockProvider: Provider<Clock> = { provide: CLOCK, useValue: systemClock };

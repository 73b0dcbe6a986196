import type { Scheduler } from '@amo/presence-core';
import { Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

/**
 * The core's Scheduler port on Nest's SchedulerRegistry: every monitoring timer is a named registry
 * timeout, so it is visible (health lists them) and cancelled by name.
 */
@Injectable()
export class NestScheduler implements Scheduler {
  private readonly logger = new Logger('Scheduler');

  constructor(private readonly registry: SchedulerRegistry) {}

  schedule(name: string, delayMs: number, task: () => void): void {
    this.cancel(name);
    const handle: ReturnType<typeof setTimeout> = setTimeout(() => {
      if (this.registry.doesExist('timeout', name) && this.registry.getTimeout(name) === handle) {
        this.registry.deleteTimeout(name);
      }
      try {
        task();
      } catch (error) {
        this.logger.error(`timer ${name} failed: ${(error as Error).message}`);
      }
    }, Math.max(0, delayMs));
    this.registry.addTimeout(name, handle);
  }

  cancel(name: string): void {
    if (this.registry.doesExist('timeout', name)) this.registry.deleteTimeout(name);
  }

  /** Names of the monitoring timers armed right now. */
  pending(): string[] {
    return this.registry.getTimeouts().filter((name) => name.startsWith('presence:'));
  }

  cancelAll(): void {
    for (const name of this.pending()) this.cancel(name);
  }
}

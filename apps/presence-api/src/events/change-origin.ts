import { Injectable } from '@nestjs/common';

/**
 * Where the change core is announcing right now came from: undefined for this instance's own (a poll, a push, a
 * webhook it received), or the id of the instance that made it while a change from the cluster's bus is applied.
 * The aggregator bridge reads it to announce another instance's change to this instance's stream clients only
 * (that instance stored it and sent its outbound events).
 */
@Injectable()
export class ChangeOrigin {
  private origin: string | undefined;

  /** The instance whose change is being applied, or undefined for this instance's own. */
  get remote(): string | undefined {
    return this.origin;
  }

  /** Runs `apply` (synchronous: core's listeners fire inside it) as a change from `origin`. */
  run<T>(origin: string, apply: () => T): T {
    const outer = this.origin;
    this.origin = origin;
    try {
      return apply();
    } finally {
      this.origin = outer;
    }
  }
}

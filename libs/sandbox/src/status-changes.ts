import type { Platform } from '@amo/presence-core';
import type { SandboxPerson } from './sandbox.types';
import { pick } from './seeded-random';

export interface ChangeTarget {
  people: readonly SandboxPerson[];
  isOut(platform: Platform): boolean;
  nativeStatus(userId: string, platform: Platform): string | undefined;
  setStatus(userId: string, platform: Platform, native: string): Promise<void>;
  /** The native values random changes pick from on a platform (its sandbox starter's). */
  natives(platform: Platform): readonly string[];
}

/**
 * Statuses that change by themselves: every tick one person's account on one working platform moves to another
 * native value of that platform, picked with the sandbox's (seeded) random source.
 */
export class StatusChanges {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly target: ChangeTarget,
    private readonly random: () => number,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(everyMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.tick(), Math.max(50, everyMs));
    // Sandbox changes never keep a process alive on their own.
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Makes one change now; resolves with what changed, or undefined when nothing could. */
  async tick(): Promise<{ userId: string; platform: Platform; native: string } | undefined> {
    const choices = this.target.people.flatMap((person) =>
      (Object.keys(person.accounts) as Platform[]).filter((platform) => !this.target.isOut(platform)).map((platform) => ({ userId: person.userId, platform })),
    );
    if (choices.length === 0) return undefined;
    const { userId, platform } = pick(this.random, choices);
    const current = this.target.nativeStatus(userId, platform);
    const natives = this.target.natives(platform);
    const others = natives.filter((native) => native !== current);
    const native = pick(this.random, others.length > 0 ? others : natives);
    await this.target.setStatus(userId, platform, native).catch(() => undefined);
    return { userId, platform, native };
  }
}

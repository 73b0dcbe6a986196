/**
 * The gateway's own limits, as the emulator enforces them: `max_concurrency` identifies per 5 s per bucket,
 * `session_start_limit.remaining`, and the op 8 full-member-list limit of one per guild per 30 s (plus scripted
 * RATE_LIMITED answers).
 */
export class GatewayLimits {
  private readonly identifyStamps = new Map<number, number>();
  private readonly fullListStamps = new Map<string, number>();
  private scripted = { remaining: 0, retryAfterSec: 0 };

  constructor(
    private readonly maxConcurrency: number,
    public identifiesRemaining: number,
  ) {}

  takeIdentify(shardId: number, now: number): boolean {
    if (this.identifiesRemaining <= 0) return false;
    const bucket = shardId % Math.max(1, this.maxConcurrency);
    const last = this.identifyStamps.get(bucket);
    if (last !== undefined && now - last < 5_000) return false;
    this.identifyStamps.set(bucket, now);
    this.identifiesRemaining -= 1;
    return true;
  }

  scriptMemberLimit(n: number, retryAfterSec: number): void {
    this.scripted = { remaining: n, retryAfterSec };
  }

  /** Seconds to wait, or 0 when the request is admitted. */
  memberRetryAfter(guildId: string, fullList: boolean, now: number): number {
    if (this.scripted.remaining > 0) {
      this.scripted.remaining -= 1;
      return this.scripted.retryAfterSec;
    }
    if (!fullList) return 0;
    const last = this.fullListStamps.get(guildId);
    if (last !== undefined && now - last < 30_000) return (30_000 - (now - last)) / 1000;
    this.fullListStamps.set(guildId, now);
    return 0;
  }
}

import {
  type AdapterHealth,
  type Clock,
  DEFAULT_RECENCY_WINDOW_MS,
  type FetchResult,
  type Platform,
  type PlatformPresence,
  PresenceError,
  type PushSink,
} from '@amo/presence-core';
import { RecencyLedger, type RecencySignal, type RecencyState } from './recency-ledger';

export interface RecencyRelayOptions {
  platform: Platform;
  clock: Clock;
  /** Last seen within this window reads as online; default core's 5 minutes. */
  windowMs?: number;
  /** How many accounts are remembered (see {@link RecencyLedger}); default 50 000. */
  maxRemembered?: number;
}

/** Webhook counters: deliveries accepted, refused by reason, and (of the accepted) ignored while push was stopped. */
export interface RecencyRelayCounts<R extends string> {
  accepted: number;
  rejected: Partial<Record<R, number>>;
  ignored: number;
}

/**
 * The state of an adapter that infers presence from signed webhooks (WhatsApp, LinkedIn): webhooks are received
 * by the service, not opened by the adapter, so "push" means forwarding what arrives. It remembers signals in a
 * {@link RecencyLedger}, answers `fetchPresence` from it without a network call, pushes only records whose
 * lastSeen moved forward, counts refusals, and refuses everything once closed. Between `stopPush` and the next
 * `startPush` (monitoring stopped) genuine deliveries are acknowledged but not applied, only counted as ignored.
 */
export class RecencyRelay<R extends string = string> {
  private readonly ledger: RecencyLedger;
  private readonly windowMs: number;
  private readonly counters: RecencyRelayCounts<R> = { accepted: 0, rejected: {}, ignored: 0 };
  private sink?: PushSink;
  private stopped = false;
  private lastRejection?: { code: string; message: string; at: Date };
  private closed = false;

  constructor(private readonly options: RecencyRelayOptions) {
    this.windowMs = options.windowMs ?? DEFAULT_RECENCY_WINDOW_MS;
    this.ledger = new RecencyLedger(options.platform, options.maxRemembered);
  }

  /** Throws UNSUPPORTED once closed. */
  assertOpen(): void {
    if (this.closed) throw new PresenceError('UNSUPPORTED', `${this.options.platform} adapter is closed`, { platform: this.options.platform });
  }

  /**
   * One record per account a strong signal was received for. The others get no record and are not in notFound
   * either: the platform cannot say whether an account exists, only that nothing was heard, and core reports
   * an account without a record as unknown.
   */
  fetchPresence(accountIds: readonly string[]): FetchResult {
    this.assertOpen();
    const now = this.options.clock.now();
    return { records: accountIds.flatMap((id) => this.ledger.record(id, now, this.windowMs) ?? []), notFound: [] };
  }

  /**
   * Starts forwarding, and first hands over everything remembered: the service may accept webhooks between
   * connecting the platform and starting monitoring, and those signals must not be lost.
   */
  startPush(sink: PushSink): void {
    this.assertOpen();
    this.sink = sink;
    this.stopped = false;
    sink.connection('up');
    const now = this.options.clock.now();
    for (const accountId of this.ledger.accountIds()) {
      const record = this.ledger.record(accountId, now, this.windowMs);
      if (record) sink.presence(record);
    }
  }

  /**
   * Stops forwarding until the next `startPush`: the sink hears `down`, then nothing more, and deliveries that
   * arrive meanwhile are not applied (not remembered either, so a later start does not hand them over).
   */
  stopPush(): void {
    if (this.closed) return;
    this.stopped = true;
    this.sink?.connection('down');
    this.sink = undefined;
  }

  /** Counts a refused request; health() reports the newest refusal as lastError. */
  refused(reason: R): void {
    this.counters.rejected[reason] = (this.counters.rejected[reason] ?? 0) + 1;
    this.lastRejection = { code: 'PROTOCOL', message: `webhook rejected: ${reason}`, at: new Date(this.options.clock.now()) };
  }

  /**
   * Counts an accepted delivery and, unless closed or stopped, remembers its signals and pushes those of `records`
   * (the delivery's own, one per account) whose account's lastSeen moved forward: late or repeated ones are not
   * pushed. Returns false when the delivery was ignored (push stopped or closed).
   */
  received(signals: readonly RecencySignal[], records: readonly PlatformPresence[]): boolean {
    this.counters.accepted++;
    if (this.closed) return false;
    if (this.stopped) {
      this.counters.ignored++;
      return false;
    }
    const advanced = new Set(this.ledger.apply(signals, this.options.clock.now()));
    for (const record of records) {
      if (advanced.has(record.accountId)) this.sink?.presence(record);
    }
    return true;
  }

  /** What is remembered about one account (see {@link RecencyLedger.state}). */
  state(accountId: string): RecencyState | undefined {
    return this.ledger.state(accountId);
  }

  counts(): RecencyRelayCounts<R> {
    return { accepted: this.counters.accepted, rejected: { ...this.counters.rejected }, ignored: this.counters.ignored };
  }

  /** The client's health with the relay's connection state and the newer of the two last errors. */
  health(client: AdapterHealth): AdapterHealth {
    const lastError = [client.lastError, this.lastRejection]
      .filter((error): error is NonNullable<typeof error> => error !== undefined)
      .sort((a, b) => b.at.getTime() - a.at.getTime())[0];
    const connection = this.closed || this.stopped ? 'down' : this.sink ? 'up' : client.connection;
    return { ...client, connection, lastError };
  }

  /** Reports the push connection down; false when it was already closed (close() may be called twice). */
  close(): boolean {
    if (this.closed) return false;
    this.closed = true;
    this.sink?.connection('down');
    this.sink = undefined;
    return true;
  }
}

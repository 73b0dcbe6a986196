import type { AggregationPolicyName } from '../aggregate/policies';
import type { PresenceTable } from '../cache/presence-table';
import type { IdentityDirectory, InMemoryIdentityDirectory } from '../identity/identity-directory';
import type { PresenceCache } from '../ports/cache';
import type { Clock } from '../ports/clock';
import type { Evaluator } from './evaluator';
import type { AggregateListener, AGGREGATOR_DEFAULTS, PresenceAggregatorOptions, PresenceListener } from './facade-types';
import type { ListenerSet } from './listener-set';
import type { PlatformRules } from './platform-rules';
import type { StatisticsCounters } from './statistics';

/** What the facade's parts (monitoring, ingestion, reads) share: the data, the rules and the listeners. */
export interface Engine {
  readonly table: PresenceTable;
  /** A cache port other than the embedded one: written through, never read. */
  readonly mirror: PresenceCache | undefined;
  readonly directory: IdentityDirectory;
  /**
   * The directory when it shares the table's person index (accounts resolve straight to table rows, linked
   * platforms are a bit mask by row); undefined for another implementation. Check `links.index === table.index`.
   */
  readonly links: InMemoryIdentityDirectory | undefined;
  readonly rules: PlatformRules;
  readonly evaluator: Evaluator;
  readonly counters: StatisticsCounters;
  readonly clock: Clock;
  readonly options: typeof AGGREGATOR_DEFAULTS & PresenceAggregatorOptions;
  readonly settings: { policy: AggregationPolicyName };
  readonly presenceListeners: ListenerSet<Parameters<PresenceListener>>;
  readonly aggregateListeners: ListenerSet<Parameters<AggregateListener>>;
}

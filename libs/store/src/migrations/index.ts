import { InitialSchema1730000000000 } from './1730000000000-initial-schema';
import { PatternTime1733000000000 } from './1733000000000-pattern-time';
import { OutboundEvents1734000000000 } from './1734000000000-outbound-events';

/** Every migration, in order. The data source runs them at start (`migrationsRun`). */
export const STORE_MIGRATIONS = [InitialSchema1730000000000, PatternTime1733000000000, OutboundEvents1734000000000];

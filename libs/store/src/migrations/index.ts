import { InitialSchema1730000000000 } from './1730000000000-initial-schema';

/** Every migration, in order. The data source runs them at start (`migrationsRun`). */
export const STORE_MIGRATIONS = [InitialSchema1730000000000];

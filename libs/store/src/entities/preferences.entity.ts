import { EntitySchema } from 'typeorm';
import { idColumn, timeColumn } from './columns';

/** A row of `person_preferences`. `consent` null means "not said": the service's default applies. */
export interface PreferencesRow {
  userId: string;
  consent: boolean | null;
  optedOut: boolean;
  optedOutPlatforms: string[];
  policy: string | null;
  preferredPlatforms: string[];
  quietStart: string | null;
  quietEnd: string | null;
  timeZone: string | null;
  patternsOptIn: boolean;
  updatedAt: number;
}

export const PreferencesEntity = new EntitySchema<PreferencesRow>({
  name: 'PreferencesRow',
  tableName: 'person_preferences',
  columns: {
    userId: idColumn('user_id', true),
    consent: { name: 'consent', type: 'boolean', nullable: true },
    optedOut: { name: 'opted_out', type: 'boolean' },
    optedOutPlatforms: { name: 'opted_out_platforms', type: 'simple-json' },
    policy: { name: 'policy', type: 'varchar', length: 64, nullable: true },
    preferredPlatforms: { name: 'preferred_platforms', type: 'simple-json' },
    quietStart: { name: 'quiet_start', type: 'varchar', length: 5, nullable: true },
    quietEnd: { name: 'quiet_end', type: 'varchar', length: 5, nullable: true },
    timeZone: { name: 'time_zone', type: 'varchar', length: 64, nullable: true },
    patternsOptIn: { name: 'patterns_opt_in', type: 'boolean' },
    updatedAt: timeColumn('updated_at'),
  },
});

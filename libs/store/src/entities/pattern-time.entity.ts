import { EntitySchema } from 'typeorm';
import { idColumn } from './columns';

/**
 * A row of `availability_time`: seconds one person was observed, and available, in one hour of their own
 * wall clock. `localHour` counts hours since 1970-01-01T00:00 of that wall clock (core's `localHourAt`), so
 * the hour of the week and the age for retention both follow from it.
 */
export interface PatternTimeRow {
  userId: string;
  localHour: number;
  availableSeconds: number;
  observedSeconds: number;
}

export const PatternTimeEntity = new EntitySchema<PatternTimeRow>({
  name: 'PatternTimeRow',
  tableName: 'availability_time',
  columns: {
    userId: idColumn('user_id', true),
    localHour: { name: 'local_hour', type: 'integer', primary: true },
    availableSeconds: { name: 'available_seconds', type: 'integer' },
    observedSeconds: { name: 'observed_seconds', type: 'integer' },
  },
  indices: [{ name: 'IDX_availability_time_hour', columns: ['localHour'] }],
});

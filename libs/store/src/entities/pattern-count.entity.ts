import { EntitySchema } from 'typeorm';
import { idColumn } from './columns';

/** A row of `availability_pattern`: counts for one UTC hour of the week (0 = Sunday 00:00 UTC). */
export interface PatternCountRow {
  userId: string;
  hourOfWeek: number;
  observed: number;
  available: number;
}

export const PatternCountEntity = new EntitySchema<PatternCountRow>({
  name: 'PatternCountRow',
  tableName: 'availability_pattern',
  columns: {
    userId: idColumn('user_id', true),
    hourOfWeek: { name: 'hour_of_week', type: 'integer', primary: true },
    observed: { name: 'observed', type: 'integer' },
    available: { name: 'available', type: 'integer' },
  },
});

import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

const userId = { name: 'user_id', type: 'varchar', length: '256', isPrimary: true };

/**
 * Availability patterns become time, not counts: `availability_time` holds seconds observed and available
 * per person and local hour. The old `availability_pattern` counted aggregate changes per UTC hour of the
 * week, which says nothing about how long anyone was available, so its rows cannot be converted and the
 * table is dropped (learning starts again for people who opted in).
 */
export class PatternTime1733000000000 implements MigrationInterface {
  name = 'PatternTime1733000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('availability_pattern', true);
    await queryRunner.createTable(
      new Table({
        name: 'availability_time',
        columns: [
          userId,
          { name: 'local_hour', type: 'integer', isPrimary: true },
          { name: 'available_seconds', type: 'integer' },
          { name: 'observed_seconds', type: 'integer' },
        ],
        indices: [new TableIndex({ name: 'IDX_availability_time_hour', columnNames: ['local_hour'] })],
      }),
      false,
      false,
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('availability_time', true);
    await queryRunner.createTable(
      new Table({
        name: 'availability_pattern',
        columns: [
          userId,
          { name: 'hour_of_week', type: 'integer', isPrimary: true },
          { name: 'observed', type: 'integer' },
          { name: 'available', type: 'integer' },
        ],
      }),
      false,
      false,
      true,
    );
  }
}

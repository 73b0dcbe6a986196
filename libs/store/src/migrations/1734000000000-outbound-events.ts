import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** The signed-webhook queue (`outbound_event`): portable types only, as in the initial schema. */
export class OutboundEvents1734000000000 implements MigrationInterface {
  name = 'OutboundEvents1734000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'outbound_event',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'event_id', type: 'varchar', length: '36' },
          { name: 'order_key', type: 'varchar', length: '300' },
          { name: 'user_id', type: 'varchar', length: '256', isNullable: true },
          { name: 'type', type: 'varchar', length: '32' },
          { name: 'body', type: 'text' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'integer' },
          { name: 'next_attempt_at', type: 'bigint' },
          { name: 'last_error', type: 'varchar', length: '500', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'dropped_at', type: 'bigint', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'UQ_outbound_event_id', columnNames: ['event_id'], isUnique: true }),
          new TableIndex({ name: 'IDX_outbound_event_queue', columnNames: ['state', 'order_key', 'seq'] }),
          new TableIndex({ name: 'IDX_outbound_event_user', columnNames: ['user_id'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('outbound_event');
  }
}

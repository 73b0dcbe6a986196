import { type MigrationInterface, type QueryRunner, Table, type TableColumnOptions, TableIndex } from 'typeorm';

// Written with the schema builder, not generated SQL, so one migration runs on SQLite and PostgreSQL.
// Column types are the portable subset: varchar(n), text, bigint (epoch ms), integer, boolean.

function varchar(name: string, length: number, extra: Partial<TableColumnOptions> = {}): TableColumnOptions {
  return { name, type: 'varchar', length: String(length), ...extra };
}
function time(name: string, isNullable = false): TableColumnOptions {
  return { name, type: 'bigint', isNullable };
}
function text(name: string, isNullable = false): TableColumnOptions {
  return { name, type: 'text', isNullable };
}
const userId = (isPrimary = false) => varchar('user_id', 256, { isPrimary });
const platform = (isPrimary = false) => varchar('platform', 16, { isPrimary });

const TABLES: Table[] = [
  new Table({
    name: 'platform_connection',
    columns: [
      platform(true),
      varchar('kind', 16),
      text('credentials'),
      varchar('state', 16),
      varchar('last_error', 1000, { isNullable: true }),
      time('token_expires_at', true),
      time('created_at'),
      time('updated_at'),
    ],
  }),
  new Table({
    name: 'identity_link',
    columns: [userId(true), platform(true), varchar('account_id', 256), time('linked_at')],
    indices: [new TableIndex({ name: 'UQ_identity_link_account', columnNames: ['platform', 'account_id'], isUnique: true })],
  }),
  new Table({
    name: 'person_preferences',
    columns: [
      userId(true),
      { name: 'consent', type: 'boolean', isNullable: true },
      { name: 'opted_out', type: 'boolean' },
      text('opted_out_platforms'),
      varchar('policy', 64, { isNullable: true }),
      text('preferred_platforms'),
      varchar('quiet_start', 5, { isNullable: true }),
      varchar('quiet_end', 5, { isNullable: true }),
      varchar('time_zone', 64, { isNullable: true }),
      { name: 'patterns_opt_in', type: 'boolean' },
      time('updated_at'),
    ],
  }),
  new Table({
    name: 'api_key',
    columns: [
      varchar('id', 36, { isPrimary: true }),
      varchar('name', 128),
      varchar('prefix', 16),
      varchar('hash', 64),
      text('scopes'),
      time('created_at'),
      time('last_used_at', true),
      time('revoked_at', true),
    ],
    indices: [new TableIndex({ name: 'UQ_api_key_hash', columnNames: ['hash'], isUnique: true })],
  }),
  new Table({
    name: 'platform_state',
    columns: [
      platform(true),
      varchar('state_key', 256, { isPrimary: true }),
      text('value'),
      text('secret', true),
      time('expires_at', true),
      time('updated_at'),
    ],
  }),
  new Table({
    name: 'presence_snapshot',
    columns: [
      userId(true),
      platform(true),
      varchar('status', 16),
      time('last_seen', true),
      time('last_updated'),
      time('confirmed_at'),
      time('expires_at', true),
      varchar('sequence', 64, { isNullable: true }),
      varchar('raw_status', 128, { isNullable: true }),
      varchar('activity', 512, { isNullable: true }),
      varchar('custom_message', 512, { isNullable: true }),
      text('devices', true),
    ],
  }),
  new Table({
    name: 'audit_log',
    columns: [
      { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
      userId(),
      platform(),
      varchar('from_status', 16, { isNullable: true }),
      varchar('to_status', 16),
      time('at'),
    ],
    indices: [
      new TableIndex({ name: 'IDX_audit_log_user', columnNames: ['user_id', 'id'] }),
      new TableIndex({ name: 'IDX_audit_log_at', columnNames: ['at'] }),
    ],
  }),
  new Table({
    name: 'availability_pattern',
    columns: [
      userId(true),
      { name: 'hour_of_week', type: 'integer', isPrimary: true },
      { name: 'observed', type: 'integer' },
      { name: 'available', type: 'integer' },
    ],
  }),
  new Table({
    name: 'store_meta',
    columns: [varchar('meta_key', 64, { isPrimary: true }), varchar('value', 256)],
  }),
];

/** The first schema: every table the store keeps. */
export class InitialSchema1730000000000 implements MigrationInterface {
  name = 'InitialSchema1730000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Table objects are mutated by createTable (names get filled in), so build fresh copies per run.
    for (const table of TABLES) await queryRunner.createTable(table.clone(), false, false, true);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) await queryRunner.dropTable(table.name, true);
  }
}

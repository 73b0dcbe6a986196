import { createDataSource, initializeDataSource } from '../data-source';
import { backends } from '../test-support/store.test-helpers';
import { STORE_MIGRATIONS } from '.';

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('pattern time migration on $name', (backend) => {
  it('replaces the change counts (which measured no time) with availability_time, and back', async () => {
    const database = await backend.createDatabase();
    const dataSource = await initializeDataSource(createDataSource(database.config), database.config);
    const runner = dataSource.createQueryRunner();
    try {
      const index = STORE_MIGRATIONS.findIndex((migration) => migration.name === 'PatternTime1733000000000');
      for (let undone = 0; undone < STORE_MIGRATIONS.length - index; undone++) await dataSource.undoLastMigration();
      expect(await runner.hasTable('availability_time')).toBe(false);
      expect(await runner.hasTable('availability_pattern')).toBe(true);
      const schema = database.config.type === 'postgres' && database.config.schema ? `"${database.config.schema}".` : '';
      await runner.query(`INSERT INTO ${schema}availability_pattern (user_id, hour_of_week, observed, available) VALUES ('alice', 10, 3, 2)`);

      await dataSource.runMigrations({ transaction: 'all' });
      expect(await runner.hasTable('availability_pattern')).toBe(false);
      expect(await runner.hasTable('availability_time')).toBe(true);
      expect(await runner.query(`SELECT * FROM ${schema}availability_time`)).toEqual([]);
    } finally {
      await runner.release();
      await dataSource.destroy();
      await database.cleanup();
    }
  });
});

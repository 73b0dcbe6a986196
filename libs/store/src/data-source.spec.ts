import { backends, openTestStore } from './test-support/store.test-helpers';

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('migrations on $name', (backend) => {
  it('runs from empty and leaves a schema identical to the entities', async () => {
    const opened = await openTestStore(backend);
    try {
      const pending = await opened.store.dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});

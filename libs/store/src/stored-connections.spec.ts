import { existsSync } from 'node:fs';
import { countStoredConnections } from './stored-connections';
import { backends, openTestStore } from './test-support/store.test-helpers';

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('countStoredConnections on $name', (backend) => {
  it('counts saved connections, and none in an empty database', async () => {
    const opened = await openTestStore(backend);
    try {
      expect(await countStoredConnections(opened.database.config)).toBe(0);
      await opened.store.connections.save({ platform: 'slack', kind: 'app', credentials: { bot_token: 'xoxb-1' } });
      expect(await countStoredConnections(opened.database.config)).toBe(1);
    } finally {
      await opened.close();
    }
  });

  it('answers 0 for a database that does not exist yet, and creates nothing', async () => {
    const database = await backend.createDatabase();
    try {
      expect(await countStoredConnections(database.config)).toBe(0);
      if (database.config.type === 'sqlite') expect(existsSync(database.config.path)).toBe(false);
    } finally {
      await database.cleanup();
    }
  });
});

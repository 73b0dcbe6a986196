import { openStore } from '@amo/presence-store';
import { join } from 'node:path';
import { bootService, type RunningService, tempDir } from '../e2e/harness.spec-helper';

/**
 * The store is the truth for links: when another instance (here, a second store handle on the same database)
 * freed an account this instance still holds in memory, a batch that links it to someone else moves it in
 * memory too, instead of failing on the stale link.
 */
describe('batch linking over a link another instance removed', () => {
  const dir = tempDir();
  let service: RunningService;

  beforeAll(async () => {
    service = await bootService({ dataDir: dir.path });
  });

  afterAll(async () => {
    await service?.close();
    dir.remove();
  });

  it('moves the account in memory to the person the store now links it to', async () => {
    expect((await service.call('PUT', '/v1/users/alice/identities', { body: { zoom: 'zoom-1', slack: 'U-ALICE' } })).status).toBe(200);
    const other = await openStore({ database: { type: 'sqlite', path: join(dir.path, 'presence.sqlite') } });
    try {
      await other.identities.unlink('alice', 'zoom');
    } finally {
      await other.close();
    }
    const batch = await service.call('POST', '/v1/identities/batch', { body: { people: [{ userId: 'bob', identities: { zoom: 'zoom-1' } }] } });
    expect(batch.status).toBe(200);
    expect(batch.body).toEqual({ linked: 1, people: [{ userId: 'bob', identities: { zoom: 'zoom-1' } }] });
    expect((await service.call('GET', '/v1/users/bob/identities')).body).toEqual({ zoom: 'zoom-1' });
    expect((await service.call('GET', '/v1/users/alice/identities')).body).toEqual({ slack: 'U-ALICE' });
  });
});

import { GUILD_A, startHarness, until } from './discord.spec-helper';

describe('smoke', () => {
  it('connects and receives presences', async () => {
    const h = await startHarness({
      seed: (e) => e.addMembers(GUILD_A, [{ id: '1', status: 'online' }, '2']),
    });
    await h.adapter.startPush(h.sink);
    await until(() => h.sink.records.length >= 2, 'initial records');
    h.emulator.setPresence(GUILD_A, '2', 'dnd', [{ type: 0, name: 'Chess' }]);
    await until(() => h.sink.latest('2')?.status === 'busy', 'update');
    console.log(h.sink.records, h.adapter.stats(), h.emulator.counters);
    await h.close();
  });
});

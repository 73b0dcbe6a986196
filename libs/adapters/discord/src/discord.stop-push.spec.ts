import { GUILD_A, type Harness, startHarness, until, useGatewayFakeTimers } from './discord.spec-helper';

describe('Discord stopPush', () => {
  let h: Harness | undefined;

  beforeEach(() => useGatewayFakeTimers());
  afterEach(async () => {
    await h?.close();
    h = undefined;
    jest.useRealTimers();
  });

  it('closes the gateway resumably, delivers nothing after, and a later startPush RESUMES (no IDENTIFY)', async () => {
    h = await startHarness({ seed: (e) => e.addMembers(GUILD_A, [{ id: '201', status: 'online' }, '202']) });
    const { emulator, adapter, sink } = h;
    await adapter.startPush(sink);
    await until(() => sink.records.length === 2, 'initial records');
    await adapter.stopPush();
    expect(emulator.openConnections).toBe(0);
    expect(emulator.counters.clientCloses).toEqual([4900]);
    expect(adapter.health().connection).toBe('down');
    const heard = sink.records.length;
    emulator.setPresence(GUILD_A, '202', 'idle');
    expect(jest.getTimerCount()).toBe(0);

    await adapter.startPush(sink);
    expect(emulator.counters.identifies).toBe(1);
    expect(emulator.counters.resumes).toBe(1);
    expect(emulator.framesWithOp(2)).toHaveLength(1);
    expect(sink.records.slice(0, heard)).toHaveLength(heard);
    // What happened while stopped is replayed by the resume.
    await until(() => sink.latest('202')?.status === 'idle', 'replayed change');
    emulator.setPresence(GUILD_A, '201', 'dnd');
    await until(() => sink.latest('201')?.status === 'busy', 'live again');
  });

  it('nothing reaches the sink after stopPush resolves', async () => {
    h = await startHarness({ seed: (e) => e.addMembers(GUILD_A, [{ id: '201', status: 'online' }]) });
    const { emulator, adapter, sink } = h;
    await adapter.startPush(sink);
    await until(() => sink.records.length === 1, 'initial record');
    emulator.setPresence(GUILD_A, '201', 'idle');
    await adapter.stopPush();
    const after = { records: sink.records.length, states: sink.states.length };
    emulator.setPresence(GUILD_A, '201', 'dnd');
    await new Promise((resolve) => setImmediate(resolve));
    expect({ records: sink.records.length, states: sink.states.length }).toEqual(after);
  });
});

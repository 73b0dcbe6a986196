import { KeyedWrites } from './keyed-writes';

/** A write that lands when the test says so. */
function gated(): { promise: Promise<void>; land(): void; fail(error: Error): void } {
  let land!: () => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<void>((resolve, reject) => ((land = resolve), (fail = reject)));
  return { promise, land, fail };
}

describe('KeyedWrites', () => {
  it('settles only once every write started has landed, including one started while waiting', async () => {
    const writes = new KeyedWrites();
    const first = gated();
    const later = gated();
    writes.start('discord/session', () => first.promise, () => undefined);
    let settled = false;
    const waiting = writes.settled().then(() => (settled = true));
    await Promise.resolve();
    writes.start('zoom/credentials', () => later.promise, () => undefined);
    first.land();
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    later.land();
    await waiting;
    expect(settled).toBe(true);
  });

  it('lands one key\'s writes in the order they were started, and a failure does not stop the next', async () => {
    const writes = new KeyedWrites();
    const landed: string[] = [];
    const failures: string[] = [];
    const slow = gated();
    writes.start('k', () => slow.promise.then(() => landed.push('seq 1')), (error) => failures.push((error as Error).message));
    writes.start('k', () => Promise.resolve().then(() => landed.push('seq 2')), () => undefined);
    writes.start('other', () => Promise.resolve().then(() => landed.push('other')), () => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(landed).toEqual(['other']);
    slow.fail(new Error('connection terminated'));
    await writes.settled();
    expect(landed).toEqual(['other', 'seq 2']);
    expect(failures).toEqual(['connection terminated']);
  });

  it('settles at once when nothing is pending', async () => {
    await expect(new KeyedWrites().settled()).resolves.toBeUndefined();
  });
});

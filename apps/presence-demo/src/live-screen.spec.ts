import { PresenceAggregator } from '@amo/presence-core';
import { LiveScreen } from './live-screen';

const INVERSE = '\x1b[7m';

describe('LiveScreen marks what changed since the last redraw', () => {
  it('shows a changed cell (and the aggregate it moved) in inverse video, nothing on the first draw', () => {
    const aggregator = new PresenceAggregator({ consentDefault: true });
    aggregator.directory.link('alice', 'slack', 'U1');
    aggregator.directory.link('bob', 'slack', 'U2');
    const at = Date.now();
    aggregator.ingest('slack', [
      { platform: 'slack', accountId: 'U1', status: 'online', rawStatus: 'active', observedAt: new Date(at) },
      { platform: 'slack', accountId: 'U2', status: 'away', rawStatus: 'away', observedAt: new Date(at) },
    ]);
    const chunks: string[] = [];
    const screen = new LiveScreen({ isTTY: true, columns: 100, write: (text: string) => chunks.push(text) }, aggregator, ['alice', 'bob'], ['slack'], 'highest-priority');
    screen.draw();
    expect(chunks[0]).not.toContain(INVERSE);
    aggregator.ingest('slack', [{ platform: 'slack', accountId: 'U1', status: 'away', rawStatus: 'away', observedAt: new Date(at + 1) }]);
    screen.draw();
    const lines = (chunks.at(-1) ?? '').split('\n');
    const alice = lines.find((line) => line.startsWith('alice')) ?? '';
    const bob = lines.find((line) => line.startsWith('bob')) ?? '';
    expect(alice.split(INVERSE)).toHaveLength(4); // slack, aggregate and available changed
    expect(bob).not.toContain(INVERSE);
    screen.stop();
  });
});

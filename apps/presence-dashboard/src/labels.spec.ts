import { budgetLabel, budgetText, platformName, windowText } from './labels';
import { channelText, policyText } from './reach';
import { aggregateWords, cellTitle } from './status';

describe('words for ids', () => {
  it('names rate budgets after the platform and what they cover, never the tenant or account id', () => {
    expect(budgetLabel('teams:presence:29b2ec8e-4090-468d-a895-2f1770df9888')).toBe('Teams presence');
    expect(budgetLabel('slack:users.getPresence')).toBe('Slack users.getPresence');
    expect(budgetLabel('discord:rest')).toBe('Discord REST API');
    expect(budgetLabel('discord:gateway-send')).toBe('Discord gateway sends');
    expect(budgetLabel('zoom:medium:emu-account')).toBe('Zoom medium-rate API');
    expect(budgetLabel('whatsapp:graph')).toBe('WhatsApp Graph API');
    expect(budgetLabel('linkedin:api')).toBe('LinkedIn API');
    expect(budgetLabel('matrix')).toBe('matrix');
  });

  it('says a budget as "used of limit per window"', () => {
    expect(budgetText({ bucket: 'teams:presence:29b2ec8e', used: 1, limit: 1500, windowMs: 30_000 })).toBe('Teams presence: 1 of 1,500 per 30 s');
    expect(budgetText({ bucket: 'slack:users.getPresence', used: 4, limit: 50, windowMs: 60_000 })).toBe('Slack users.getPresence: 4 of 50 per minute');
    expect(budgetText({ bucket: 'linkedin:api', used: 12000, limit: 100000 })).toBe('LinkedIn API: 12,000 of 100,000');
    expect([1000, 30_000, 60_000, 90_000, 3_600_000, 7_200_000, 86_400_000, 250].map(windowText)).toEqual([
      'per second',
      'per 30 s',
      'per minute',
      'per 90 s',
      'per hour',
      'per 2 h',
      'per day',
      'per 250 ms',
    ]);
    expect(platformName('whatsapp')).toBe('WhatsApp');
  });

  it('says the aggregate with the platform that decided it', () => {
    expect(aggregateWords({ status: 'online', decidedBy: 'whatsapp' })).toEqual({ status: 'Online', via: 'via WhatsApp' });
    expect(aggregateWords({ status: 'unknown', decidedBy: null })).toEqual({ status: 'Unknown', via: 'no fresh record' });
    // The policy that decided, as the API says ("Online via WhatsApp · highest-priority").
    expect(aggregateWords({ status: 'online', decidedBy: 'whatsapp', policy: 'highest-priority' })).toEqual({ status: 'Online', via: 'via WhatsApp · highest-priority' });
  });

  it('says "no data" for a linked account nothing was heard from', () => {
    expect(cellTitle({ noData: true, stale: true })).toBe('no data: linked, nothing heard yet');
  });
});

describe('what an opened person shows', () => {
  it('the policy as far as the API tells: their own, the unreported default, or not readable with this key', () => {
    expect(policyText({ state: 'done', value: 'busy-wins' })).toBe('busy-wins (their own preference)');
    expect(policyText({ state: 'done', value: null })).toBe("the service's default, PRESENCE_DEFAULT_POLICY (the row names the policy that decided)");
    expect(policyText({ state: 'error', message: 'Forbidden', status: 403 })).toBe('not readable with this key (preferences need the write scope)');
    expect(policyText({ state: 'error', message: 'boom' })).toBe('could not read: boom');
    expect(policyText({ state: 'loading' })).toBe('asking…');
  });

  it('the best channel with its reasons', () => {
    expect(channelText({ state: 'done', value: { platform: 'slack', status: 'online', stale: false, reasons: ['online', 'fresh', 'preferred platform #1'] } })).toBe(
      'Slack — online, fresh, preferred platform #1',
    );
    expect(channelText({ state: 'done', value: { platform: 'zoom', status: 'busy', stale: false, reasons: [] } })).toBe('Zoom — busy');
    expect(channelText({ state: 'done', value: null })).toBe('none: no linked platform to reach them on');
    expect(channelText({ state: 'error', message: 'rate limited' })).toBe('could not read: rate limited');
    expect(channelText({ state: 'loading' })).toBe('asking…');
  });
});

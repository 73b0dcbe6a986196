import { parseDiscordCredentials } from '@amo/presence-adapter-discord';
import { activeResources } from '@amo/presence-adapter-kit/testing';
import { parseLinkedInCredentials } from '@amo/presence-adapter-linkedin';
import { parseSlackCredentials } from '@amo/presence-adapter-slack';
import { parseTeamsCredentials } from '@amo/presence-adapter-teams';
import { parseTeamsNative } from '@amo/presence-adapter-teams/testing';
import { parseWhatsAppCredentials } from '@amo/presence-adapter-whatsapp';
import { parseZoomCredentials } from '@amo/presence-adapter-zoom';
import { InvalidInputError, normalizeDiscord, normalizeSlack, normalizeTeams, normalizeZoom, type Platform, PLATFORMS } from '@amo/presence-core';
import { samplePeople } from './sandbox-people';
import { leaksAfterClose } from './sandbox.spec-helper';
import { startSandbox } from './start-sandbox';

/** The normalized status a state platform's starting native value stands for. */
function normalized(platform: Platform, native: string): string {
  if (platform === 'discord') return normalizeDiscord(native).status;
  if (platform === 'slack') return native === 'dnd' ? normalizeSlack('active', true).status : normalizeSlack(native).status;
  if (platform === 'teams') return normalizeTeams(parseTeamsNative(native).availability, parseTeamsNative(native).activity).status;
  if (platform === 'zoom') return normalizeZoom(native).status;
  return native;
}

describe('startSandbox', () => {
  it("returns the service's SandboxEnvironment: base URLs by the service's names, seed-style credentials, people", async () => {
    const baseline = activeResources();
    const sandbox = await startSandbox({ publicUrl: 'http://127.0.0.1:9/', changeEveryMs: 0 });
    try {
      expect(sandbox.platforms).toEqual(PLATFORMS);
      expect(Object.keys(sandbox.baseUrls).sort()).toEqual(
        ['discordApi', 'graphApi', 'linkedinApi', 'linkedinOAuth', 'microsoftLogin', 'slackApi', 'whatsappGraph', 'zoomApi', 'zoomOAuth'].sort(),
      );
      for (const url of Object.values(sandbox.baseUrls)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
      const { credentials } = sandbox;
      expect(parseDiscordCredentials(credentials.discord ?? {}).guildIds).toHaveLength(1);
      expect(parseSlackCredentials(credentials.slack ?? {}).signingSecret).toBeTruthy();
      expect(parseTeamsCredentials(credentials.teams ?? {}).tenantId).toBeTruthy();
      expect(credentials.teams?.delegated_access_token).toBeTruthy();
      expect(parseZoomCredentials(credentials.zoom ?? {}).webhookSecretToken).toBeTruthy();
      expect(parseWhatsAppCredentials(credentials.whatsapp ?? {}).appSecret).toBeTruthy();
      expect(parseLinkedInCredentials(credentials.linkedin ?? {}).accessToken).toBeTruthy();
      expect(sandbox.people.map((person) => person.userId)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin', 'frank']);
      expect(sandbox.webhookUrl('zoom')).toBe('http://127.0.0.1:9/v1/webhooks/zoom');
    } finally {
      await sandbox.close();
    }
    expect(await leaksAfterClose(baseline)).toEqual([]);
  });

  it('starts people on several platforms with different normalized statuses (the seed criterion)', () => {
    const people = samplePeople(6);
    const differing = people.filter((person) => {
      const statuses = Object.entries(person.statuses)
        .filter(([platform]) => ['discord', 'slack', 'teams', 'zoom'].includes(platform))
        .map(([platform, native]) => normalized(platform as Platform, native));
      return new Set(statuses).size > 1;
    });
    expect(differing.length).toBeGreaterThanOrEqual(4);
    for (const person of people) expect(Object.keys(person.accounts).length).toBeGreaterThanOrEqual(3);
  });

  it('generates more people repeatably, only on the chosen platforms, at least two platforms each', () => {
    const first = samplePeople(25, ['slack', 'zoom', 'teams'], () => 0.42);
    expect(first.map((person) => person.userId).slice(5, 8)).toEqual(['frank', 'grace', 'heidi']);
    expect(first[24].userId).toBe('person-25');
    for (const person of first) {
      expect(Object.keys(person.accounts).every((platform) => ['slack', 'zoom', 'teams'].includes(platform))).toBe(true);
      expect(Object.keys(person.accounts).length).toBeGreaterThanOrEqual(2);
    }
    const slackIds = first.flatMap((person) => (person.accounts.slack ? [person.accounts.slack] : []));
    expect(new Set(slackIds).size).toBe(slackIds.length);
  });

  it('refuses bad input with InvalidInputError', async () => {
    await expect(startSandbox({ platforms: [] })).rejects.toThrow(InvalidInputError);
    await expect(startSandbox({ platforms: ['myspace' as Platform] })).rejects.toThrow(/unknown platform/);
    const twice = [{ userId: 'x', accounts: {}, statuses: {} }, { userId: 'x', accounts: {}, statuses: {} }];
    await expect(startSandbox({ platforms: ['zoom'], people: twice })).rejects.toThrow(/twice/);
    const elsewhere = [{ userId: 'x', accounts: { slack: 'U1' }, statuses: {} }];
    await expect(startSandbox({ platforms: ['zoom'], people: elsewhere })).rejects.toThrow(/not started/);
    const sandbox = await startSandbox({ platforms: ['zoom'], people: 2, changeEveryMs: 0 });
    try {
      await expect(sandbox.setStatus('nobody', 'zoom', 'Away')).rejects.toThrow(InvalidInputError);
      await expect(sandbox.setStatus('alice', 'slack', 'away')).rejects.toThrow(/no slack account/);
      await expect(sandbox.setStatus('alice', 'zoom', ' ')).rejects.toThrow(/non-empty/);
      expect(() => sandbox.outage('slack', true)).toThrow(/not started/);
      expect(sandbox.webhookUrl('zoom')).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });
});

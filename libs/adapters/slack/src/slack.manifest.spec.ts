import { z } from 'zod';
import { RateBudgetRegistry } from '@amo/presence-adapter-kit';
import { createSlackAdapter } from './slack.adapter';
import { SLACK_DEFAULT_CAPABILITIES, slackManifest } from './slack.manifest';

const field = z.object({
  key: z.string().min(1),
  label: z.string().min(1),
  secret: z.boolean(),
  required: z.boolean(),
  env: z.string().regex(/^[A-Z_]+$/).optional(),
  aliases: z.array(z.string().min(1)),
  default: z.string().optional(),
});

const budget = z.object({ bucket: z.string().startsWith('slack:'), limit: z.number().int().positive(), windowMs: z.number().int().positive() });

const manifestSchema = z.object({
  platform: z.literal('slack'),
  displayName: z.string(),
  auth: z.object({ kind: z.literal('bot-token'), header: z.literal('Authorization'), scheme: z.literal('Bearer') }),
  credentials: z.array(field).min(1),
  baseUrls: z.array(field.extend({ default: z.string().url() })).min(1),
  defaultIntervalMs: z.number().int().positive(),
  rateBudgets: z.array(budget).min(1),
  retryAfter: z.object({ header: z.string(), unit: z.literal('seconds') }),
  scopes: z.array(z.string()),
  methods: z.array(z.string()),
  events: z.array(z.string()),
  webhook: z.object({ signature: z.string(), timestamp: z.string(), scheme: z.literal('v0'), toleranceSec: z.number() }),
  capabilities: z.object({
    freshness: z.enum(['push', 'poll', 'inferred']),
    poll: z.boolean(),
    push: z.boolean(),
    inferred: z.boolean(),
    batchSize: z.number().int().positive(),
    idsPerMinute: z.number().positive().optional(),
    rateBudgets: z.array(budget),
    fields: z.array(z.string()),
  }),
});

describe('slackManifest', () => {
  it('matches the manifest schema', () => {
    expect(() => manifestSchema.parse(slackManifest)).not.toThrow();
  });

  it('marks the token and signing secret secret, and the base URL not', () => {
    expect(slackManifest.credentials.map((c) => [c.key, c.secret, c.required])).toEqual([
      ['botToken', true, true],
      ['signingSecret', true, false],
    ]);
    expect(slackManifest.baseUrls[0]).toMatchObject({ key: 'baseUrl', secret: false, default: 'https://slack.com/api' });
  });

  it('declares Slack tiers: getPresence Tier 3, dnd.teamInfo Tier 2, users.profile.get Tier 4 (per minute)', () => {
    const perMinute = Object.fromEntries(slackManifest.rateBudgets.map((b) => [b.bucket, (b.limit * 60_000) / b.windowMs]));
    expect(perMinute).toMatchObject({ 'slack:users.getPresence': 50, 'slack:dnd.teamInfo': 20, 'slack:users.profile.get': 100 });
  });

  it('states the capabilities a default adapter really has', () => {
    const adapter = createSlackAdapter({ botToken: 'xoxb-test' });
    expect(adapter.capabilities).toEqual(SLACK_DEFAULT_CAPABILITIES);
    expect(createSlackAdapter({ botToken: 'xoxb-test', signingSecret: 's' }).capabilities.push).toBe(true);
  });

  it('derives idsPerMinute from the budgets actually in force and the interval', () => {
    expect(createSlackAdapter({ botToken: 'x', pollIntervalMs: 60_000 }).capabilities.idsPerMinute).toBe(50);
    // Steps carry the fraction of a read to the next one, so a 45 s interval reads 37, 38, 37... = 50 a minute.
    expect(createSlackAdapter({ botToken: 'x', pollIntervalMs: 45_000 }).capabilities.idsPerMinute).toBe(50);
    const budgets = new RateBudgetRegistry();
    budgets.define({ bucket: 'slack:users.getPresence', limit: 20, windowMs: 60_000 });
    expect(createSlackAdapter({ botToken: 'x' }, { budgets }).capabilities.idsPerMinute).toBe(20);
    expect(createSlackAdapter({ botToken: 'x', readProfiles: false, readDnd: false }).capabilities.fields).toEqual(['activity', 'expiresAt']);
  });
});

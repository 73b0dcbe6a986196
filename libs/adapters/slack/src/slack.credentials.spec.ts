import { InvalidInputError } from '@amo/presence-core';
import { parseSlackBaseUrl, parseSlackCredentials } from './slack.credentials';

describe('parseSlackCredentials', () => {
  it('accepts the seed-style keys and the env names', () => {
    expect(parseSlackCredentials({ bot_token: 'xoxb-1' })).toEqual({ botToken: 'xoxb-1' });
    expect(parseSlackCredentials({ token: 'xoxb-2', signing_secret: 's3cr3t' })).toEqual({ botToken: 'xoxb-2', signingSecret: 's3cr3t' });
    expect(parseSlackCredentials({ SLACK_BOT_TOKEN: 'xoxb-3', SLACK_SIGNING_SECRET: 'x', base_url: 'http://127.0.0.1:9/api/' })).toEqual({
      botToken: 'xoxb-3',
      signingSecret: 'x',
      baseUrl: 'http://127.0.0.1:9/api',
    });
  });

  it('names the missing or bad field without echoing secrets', () => {
    expect(() => parseSlackCredentials({})).toThrow(InvalidInputError);
    expect(() => parseSlackCredentials({})).toThrow(/botToken is required/);
    expect(() => parseSlackCredentials({ botToken: 42 })).toThrow(/botToken must be a non-empty string/);
    expect(() => parseSlackCredentials({ botToken: 'xoxb-1 2' })).toThrow(/whitespace/);
    expect(() => parseSlackCredentials({ botToken: 'xapp-1-secret' })).toThrow(/app-level token/);
    expect(() => parseSlackCredentials({ botToken: 'xapp-1-secret' })).not.toThrow(/secret$/);
    expect(() => parseSlackCredentials({ botToken: 'xoxb-1', signingSecret: ' ' })).toThrow(/signingSecret/);
    expect(() => parseSlackCredentials(null as unknown as Record<string, unknown>)).toThrow(InvalidInputError);
  });

  it('checks base URLs', () => {
    expect(parseSlackBaseUrl('https://slack.com/api')).toBe('https://slack.com/api');
    expect(() => parseSlackBaseUrl('slack.com')).toThrow(/not a URL/);
    expect(() => parseSlackBaseUrl('ftp://slack.com/api')).toThrow(/http\(s\)/);
    expect(() => parseSlackBaseUrl('https://slack.com/api?x=1')).toThrow(/query/);
  });
});

import { InvalidInputError } from '@amo/presence-core';
import { type SlackManifestField, slackManifest } from './slack.manifest';

/** What Slack needs to run: a bot token, optionally the Events API signing secret and another API root. */
export interface SlackCredentials {
  /** Bot user OAuth token (`xoxb-...`); sent as `Authorization: Bearer`. */
  botToken: string;
  /** Verifies Events API requests; without it pushed events are refused. */
  signingSecret?: string;
  /** Web API root, default https://slack.com/api (an emulator's URL in tests and sandbox mode). */
  baseUrl?: string;
}

function pick(record: Readonly<Record<string, unknown>>, field: SlackManifestField): unknown {
  for (const key of [field.key, ...field.aliases]) {
    if (record[key] !== undefined && record[key] !== null && record[key] !== '') return record[key];
  }
  return undefined;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidInputError(`slack: ${name} must be a non-empty string`);
  if (/\s/.test(value.trim())) throw new InvalidInputError(`slack: ${name} must not contain whitespace`);
  return value.trim();
}

/** Checks a Web API root: http(s), no query; a trailing slash is dropped. */
export function parseSlackBaseUrl(value: unknown, name = 'baseUrl'): string {
  const raw = text(value, name);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidInputError(`slack: ${name} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidInputError(`slack: ${name} must be http(s)`);
  if (url.search || url.hash) throw new InvalidInputError(`slack: ${name} must not carry a query or fragment`);
  return raw.replace(/\/+$/, '');
}

/**
 * Reads a seed-style credential record (`{bot_token}`, `{token}`, `{botToken, signingSecret}`, the env names...).
 * Throws InvalidInputError naming the missing or bad field; never echoes a secret's value.
 */
export function parseSlackCredentials(record: Readonly<Record<string, unknown>>): SlackCredentials {
  if (typeof record !== 'object' || record === null) throw new InvalidInputError('slack: credentials must be an object');
  const [tokenField, secretField] = slackManifest.credentials;
  const rawToken = pick(record, tokenField);
  if (rawToken === undefined) {
    throw new InvalidInputError(`slack: botToken is required (accepted keys: ${[tokenField.key, ...tokenField.aliases].join(', ')})`);
  }
  const botToken = text(rawToken, 'botToken');
  if (botToken.startsWith('xapp-')) {
    throw new InvalidInputError('slack: botToken is an app-level token (xapp-); the Web API needs the bot token (xoxb-)');
  }
  const credentials: SlackCredentials = { botToken };
  const secret = pick(record, secretField);
  if (secret !== undefined) credentials.signingSecret = text(secret, 'signingSecret');
  const baseUrl = pick(record, slackManifest.baseUrls[0]);
  if (baseUrl !== undefined) credentials.baseUrl = parseSlackBaseUrl(baseUrl);
  return credentials;
}

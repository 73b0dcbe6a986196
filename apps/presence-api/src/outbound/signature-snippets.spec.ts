import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { signedHeaders } from './event-signature';
import { aggregateChangedEvent } from './outbound-event';

const README = resolve(__dirname, '..', '..', 'README.md');
const PYTHON = '/usr/bin/python3';
const SECRET = 'readme-snippet-secret-0123456789';

/** The fenced block of `language` in the README's "Outbound events" section, verbatim. */
function snippet(language: string): string {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('## Outbound events'), text.indexOf('\n## ', text.indexOf('## Outbound events') + 1));
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(section);
  if (!match) throw new Error(`no ${language} block in the README's Outbound events section`);
  return match[1];
}

/** A delivery as the service signs it now, and variants a receiver must refuse. */
function cases(): { name: string; timestamp: string; signature: string; body: string; valid: boolean }[] {
  const body = aggregateChangedEvent({ userId: 'zoë', status: 'busy', previousStatus: 'online', available: false, decidedBy: 'zoom', policy: 'highest-priority' }, Date.now()).body;
  const headers = signedHeaders(SECRET, body, Date.now());
  const timestamp = headers['x-presence-timestamp'];
  const signature = headers['x-presence-signature'];
  const old = signedHeaders(SECRET, body, Date.now() - 3_600_000);
  return [
    { name: 'as signed', timestamp, signature, body, valid: true },
    { name: 'body changed', timestamp, signature, body: body.replace('busy', 'online'), valid: false },
    { name: 'other secret', timestamp, signature: signedHeaders('another-secret-0123456789', body, Date.now())['x-presence-signature'], body, valid: false },
    { name: 'an hour old', timestamp: old['x-presence-timestamp'], signature: old['x-presence-signature'], body, valid: false },
    { name: 'no timestamp', timestamp: '', signature, body, valid: false },
  ];
}

describe('README: verifying an outbound event signature', () => {
  it('the Node snippet accepts what the service signs and refuses tampering, another secret and replays', () => {
    const verify = new Function('require', `${snippet('js')}\nreturn verifyPresenceEvent;`)(require) as (
      secret: string,
      timestamp: string,
      signature: string,
      rawBody: Buffer | string,
    ) => boolean;
    for (const c of cases()) {
      expect({ name: c.name, valid: verify(SECRET, c.timestamp, c.signature, Buffer.from(c.body, 'utf8')) }).toEqual({ name: c.name, valid: c.valid });
    }
  });

  const python = existsSync(PYTHON);
  (python || process.env.CI ? it : it.skip)('the Python snippet (standard library only) does the same', () => {
    const driver = `${snippet('python')}
import json, sys
for case in json.load(sys.stdin):
    print(json.dumps({"name": case["name"], "valid": verify_presence_event(case["secret"], case["timestamp"], case["signature"], case["body"].encode("utf-8"))}))
`;
    const all = cases();
    const run = spawnSync(PYTHON, ['-I', '-c', driver], { input: JSON.stringify(all.map((c) => ({ ...c, secret: SECRET }))), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const answers = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(answers).toEqual(all.map((c) => ({ name: c.name, valid: c.valid })));
  });
});

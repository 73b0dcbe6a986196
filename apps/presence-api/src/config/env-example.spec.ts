import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderEnvExample, SERVICE_HELP } from './env-example';
import { ENV_NAMES } from './config.schema';

const FILE = resolve(__dirname, '..', '..', '..', '..', '.env.example');

describe('.env.example', () => {
  if (process.env.UPDATE_ENV_EXAMPLE === '1') writeFileSync(FILE, renderEnvExample());

  it('is what the config schema generates (regenerate: UPDATE_ENV_EXAMPLE=1 npx jest -c apps/presence-api/jest.config.cjs env-example)', () => {
    expect(existsSync(FILE)).toBe(true);
    expect(readFileSync(FILE, 'utf8')).toBe(renderEnvExample());
  });

  it('lists every variable the service reads, once, with a meaning line above it', () => {
    const lines = readFileSync(FILE, 'utf8').split('\n');
    for (const name of ENV_NAMES) {
      const at = lines.findIndex((line) => line.startsWith(`#${name}=`));
      expect({ name, listed: at >= 0 }).toEqual({ name, listed: true });
      expect(lines.filter((line) => line.startsWith(`#${name}=`))).toHaveLength(1);
      expect(lines[at - 1]).toMatch(/^# \S.{10,}/);
    }
  });

  it('gives each default as the schema applies it', () => {
    const text = readFileSync(FILE, 'utf8');
    expect(text).toContain('#PORT=3000\n');
    expect(text).toContain('#PRESENCE_LOG_FORMAT=text\n');
    expect(text).toContain('#PRESENCE_CORS_ORIGINS=\n');
    expect(text).toContain('#DISCORD_API_BASE_URL=https://discord.com/api\n');
  });

  it('refuses a variable the schema reads and nothing explains', () => {
    const { PORT: _port, ...withoutPort } = SERVICE_HELP;
    expect(() => renderEnvExample(undefined, withoutPort)).toThrow('read by the schema but not explained: PORT');
  });
});

import { ConfigError, loadConfig } from './config.loader';

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
}

describe('operating variables: log format and CORS origins', () => {
  it('defaults to text logs and no CORS', () => {
    const config = loadConfig({});
    expect(config.logFormat).toBe('text');
    expect(config.corsOrigins).toEqual([]);
  });

  it('reads json logs and a list of origins, normalized as browsers send them', () => {
    const config = loadConfig({ PRESENCE_LOG_FORMAT: 'json', PRESENCE_CORS_ORIGINS: ' https://App.Example.com/ ,http://localhost:5173' });
    expect(config.logFormat).toBe('json');
    expect(config.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(loadConfig({ PRESENCE_CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
  });

  it('names a bad value on one line', () => {
    expect(problems({ PRESENCE_LOG_FORMAT: 'yaml' })).toContain('PRESENCE_LOG_FORMAT must be text or json (got "yaml")');
    const message = problems({ PRESENCE_CORS_ORIGINS: 'https://app.example.com/path' });
    expect(message).toContain('PRESENCE_CORS_ORIGINS must be * or a comma-separated list of origins such as https://app.example.com');
    expect(problems({ PRESENCE_CORS_ORIGINS: 'app.example.com' })).toContain('PRESENCE_CORS_ORIGINS must be');
    expect(problems({ PRESENCE_CORS_ORIGINS: 'ftp://files.example.com' })).toContain('PRESENCE_CORS_ORIGINS must be');
  });
});

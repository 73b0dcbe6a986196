import { bootService, type RunningService, tempDir } from './harness.spec-helper';

describe('service smoke', () => {
  const dir = tempDir();
  let service: RunningService;

  beforeAll(async () => {
    service = await bootService({ dataDir: dir.path, wirings: [] });
  });

  afterAll(async () => {
    await service?.close();
    dir.remove();
  });

  it('answers health without a key and refuses the API without one', async () => {
    const health = await service.call('GET', '/health', { token: null });
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', sandbox: false, database: { status: 'up' } });
    const refused = await service.call('GET', '/v1/stats', { token: null });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('UNAUTHORIZED');
    const stats = await service.call('GET', '/v1/stats');
    expect(stats.status).toBe(200);
  });
});

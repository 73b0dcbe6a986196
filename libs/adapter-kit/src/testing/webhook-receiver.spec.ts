import { type ReceivedWebhook, serveWebhook } from './webhook-receiver';

describe('serveWebhook', () => {
  it('hands the handler the raw bytes, method, headers and query, and writes its answer back', async () => {
    const received: ReceivedWebhook[] = [];
    const receiver = await serveWebhook((request) => {
      received.push(request);
      return { status: 202, body: { ok: true } };
    }, '/webhooks/example');
    try {
      expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks\/example$/);
      const body = '{ "spaced":  "as sent" }';
      const response = await fetch(`${receiver.url}?a=1&b=two`, { method: 'POST', headers: { 'X-Signature': 'sig' }, body });
      expect(response.status).toBe(202);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.json()).toEqual({ ok: true });
      expect(received).toHaveLength(1);
      expect(received[0]?.method).toBe('POST');
      expect(received[0]?.rawBody.toString()).toBe(body);
      expect(received[0]?.headers['x-signature']).toBe('sig');
      expect(received[0]?.query).toEqual({ a: '1', b: 'two' });
    } finally {
      await receiver.close();
    }
  });

  it('writes a string body as is with its content type, and answers 500 when the handler fails', async () => {
    let fail: 'sync' | 'async' | undefined;
    const receiver = await serveWebhook((request) => {
      if (fail === 'sync') throw new Error('handler bug');
      if (fail === 'async') return Promise.reject(new Error('handler bug'));
      return { status: 200, body: request.query['challenge'] ?? '', contentType: 'text/plain' };
    });
    try {
      expect(receiver.url).toMatch(/\/webhook$/);
      const echoed = await fetch(`${receiver.url}?challenge=1158201444`);
      expect(echoed.headers.get('content-type')).toBe('text/plain');
      expect(await echoed.text()).toBe('1158201444');
      for (const mode of ['sync', 'async'] as const) {
        fail = mode;
        expect((await fetch(receiver.url, { method: 'POST', body: '{}' })).status).toBe(500);
      }
    } finally {
      await receiver.close();
    }
  });

  it('routes only its path when asked, refuses bodies over the limit, and tells the handler the path', async () => {
    const paths: string[] = [];
    const receiver = await serveWebhook(
      (request) => {
        paths.push(request.path);
        return { status: 202, body: '' };
      },
      { path: '/v1/webhooks/teams', onlyPath: true, maxBodyBytes: 8 },
    );
    try {
      expect(receiver.url).toBe(`${receiver.origin}/v1/webhooks/teams`);
      expect((await fetch(`${receiver.origin}/v1/webhooks/zoom`, { method: 'POST', body: '{}' })).status).toBe(404);
      expect((await fetch(receiver.url, { method: 'POST', body: '{"too":"large"}' })).status).toBe(413);
      expect((await fetch(`${receiver.url}?validationToken=x`, { method: 'POST', body: '{}' })).status).toBe(202);
      expect(paths).toEqual(['/v1/webhooks/teams']);
    } finally {
      await receiver.close();
    }
  });
});

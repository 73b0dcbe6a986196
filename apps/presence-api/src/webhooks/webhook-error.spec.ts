import { webhookErrorAnswer } from './webhook-error';

describe('webhookErrorAnswer: an adapter\'s refusal in the one error shape', () => {
  it('reads the reason from whatever shape the adapter answered', () => {
    expect(webhookErrorAnswer({ status: 401, body: { error: 'missing X-LI-Signature' } }, [])).toEqual({ status: 401, code: 'UNAUTHORIZED', message: 'missing X-LI-Signature', headers: {} });
    expect(webhookErrorAnswer({ status: 401, body: 'invalid signature\n', contentType: 'text/plain' }, [])).toMatchObject({ code: 'UNAUTHORIZED', message: 'invalid signature' });
    expect(webhookErrorAnswer({ status: 403, body: Buffer.from('bad clientState') }, [])).toMatchObject({ code: 'FORBIDDEN', message: 'bad clientState' });
    expect(webhookErrorAnswer({ status: 400, body: { message: 'no event' } }, [])).toMatchObject({ code: 'BAD_REQUEST', message: 'no event' });
    expect(webhookErrorAnswer({ status: 413, body: null }, [])).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: 'Payload Too Large' });
  });

  it('turns Graph\'s {error: {code: "MethodNotAllowed"}} into METHOD_NOT_ALLOWED with Allow', () => {
    const reply = { status: 405, body: { error: { code: 'MethodNotAllowed', message: 'Graph notifications are POSTed' } } };
    expect(webhookErrorAnswer(reply, ['POST'])).toEqual({ status: 405, code: 'METHOD_NOT_ALLOWED', message: 'Graph notifications are POSTed', headers: { Allow: 'POST' } });
  });
});

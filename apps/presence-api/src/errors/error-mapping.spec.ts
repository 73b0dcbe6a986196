import { PresenceError } from '@amo/presence-core';
import { IdentityBatchConflictError } from '@amo/presence-store';
import { NotFoundException } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompress, gunzip } from 'node:zlib';
import { z } from 'zod';
import { ApiError } from './api-error';
import { codeForStatus, ERROR_CODES, ERROR_CODE_LIST } from './error-codes';
import { toErrorAnswer } from './error-mapping';
import { errorBody } from './error-response';
import { parseInput } from './validation';

const zlibError = (decode: typeof gunzip): Promise<unknown> => new Promise((resolve) => decode(Buffer.from('{}'), (error) => resolve(error)));

describe('toErrorAnswer: one code table for everything thrown', () => {
  it('answers a body that is not what its Content-Encoding says with 400 MALFORMED_BODY, not 500', async () => {
    for (const error of [await zlibError(gunzip), await zlibError(brotliDecompress)]) {
      const answer = toErrorAnswer(Object.assign(error as Error, { status: 400, expose: true }));
      expect(answer).toMatchObject({ status: 400, code: 'MALFORMED_BODY' });
      expect(answer.unexpected).toBeUndefined();
    }
  });

  it('keeps other exposed client errors of the body reader with their status', () => {
    expect(toErrorAnswer(Object.assign(new Error('request aborted'), { status: 400, expose: true, type: 'request.aborted' }))).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(toErrorAnswer(Object.assign(new Error('unsupported content encoding "compress"'), { status: 415, expose: true, type: 'encoding.unsupported' }))).toMatchObject({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    expect(toErrorAnswer(Object.assign(new Error('odd'), { status: 422, expose: true }))).toMatchObject({ status: 422, code: 'BAD_REQUEST', message: 'odd' });
  });

  it('carries details: each bad field of a validation failure, each failing person of a batch conflict', () => {
    const failure = (() => {
      try {
        parseInput(z.object({ userIds: z.array(z.string()).min(1, 'at least one id'), limit: z.number() }), { userIds: [] }, 'body');
      } catch (error) {
        return error;
      }
    })();
    expect(toErrorAnswer(failure)).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('body.userIds: at least one id'),
      headers: {},
      details: [
        { path: 'body.userIds', message: 'at least one id' },
        { path: 'body.limit', message: expect.any(String) },
      ],
    });
    const conflict = new IdentityBatchConflictError([{ index: 1, userId: 'bob', platform: 'slack', message: 'slack account U1 is already linked to another person' }]);
    expect(toErrorAnswer(conflict)).toMatchObject({
      status: 409,
      code: 'CONFLICT',
      details: [{ path: 'body.people.1.identities.slack', message: 'bob: slack account U1 is already linked to another person' }],
    });
  });

  it('names every answer with a code from the table, never HTTP_<status> or a platform\'s own spelling', () => {
    const answers = [
      toErrorAnswer(new NotFoundException('Cannot GET /x')),
      toErrorAnswer(new PresenceError('TRANSIENT', 'down', { platform: 'slack' })),
      toErrorAnswer(ApiError.rateLimited(3)),
      toErrorAnswer(new Error('boom')),
    ];
    for (const answer of answers) expect(ERROR_CODE_LIST).toContain(answer.code);
    for (const status of [400, 401, 402, 403, 404, 405, 408, 409, 410, 413, 415, 418, 429, 431, 500, 502, 503]) {
      const code = codeForStatus(status);
      expect(ERROR_CODES[code].status === status || code === 'BAD_REQUEST' || code === 'INTERNAL').toBe(true);
    }
  });

  it('builds the one body, with details only when there are some', () => {
    expect(errorBody({ status: 404, code: 'NOT_FOUND', message: 'no', headers: {} }, 'r-1')).toEqual({ error: { code: 'NOT_FOUND', message: 'no', requestId: 'r-1' } });
    expect(errorBody({ status: 400, code: 'VALIDATION_FAILED', message: 'm', headers: {}, details: [] }, 'r-2').error).not.toHaveProperty('details');
  });

  it('the README\'s Errors table lists exactly these codes with these statuses', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Errors'), readme.indexOf('## HTTP API'));
    const rows = [...section.matchAll(/^\| (\d{3}|stream) \| `([A-Z_]+)` \|/gm)].map(([, status, code]) => [code, status === 'stream' ? undefined : Number(status)]);
    expect(rows).toEqual(Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]));
  });
});

import { randomUUID } from 'node:crypto';
import type { EmulatorReply } from '@amo/presence-adapter-kit/testing';

/** Graph's error shape: `{ error: { code, message, innerError } }`. */
export function graphError(status: number, code: string, message: string, headers?: Record<string, string>): EmulatorReply {
  return {
    status,
    headers: { 'request-id': randomUUID(), ...headers },
    json: { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } },
  };
}

/** The identity platform's OAuth error shape. */
export function oauthError(status: number, error: string, code: number, description: string): EmulatorReply {
  return {
    status,
    json: { error, error_description: `AADSTS${code}: ${description}`, error_codes: [code], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() },
  };
}

export const unauthenticated = (): EmulatorReply =>
  graphError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.', {
    'www-authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token"',
  });

import type { OperationSpec, ResponseSpec } from './operation';

/** One webhook route a platform descriptor declares (the path is always `/v1/webhooks/<platform>`). */
export interface WebhookRoute {
  platform: string;
  method: 'GET' | 'POST';
  summary: string;
}

type Statuses = Record<number, string>;

const NOT_CONNECTED = 'the platform is not connected, or has no receiver for this method';
const TOO_LARGE = 'the body is over the limit';

/** What each receiver answers (the adapters' handlers), by `<platform> <method>`. */
const KNOWN: Record<string, Statuses> = {
  'slack POST': { 200: 'accepted, or the url_verification challenge', 400: 'not an Events API body', 401: 'missing or wrong X-Slack-Signature, or outside the 5-minute window', 404: NOT_CONNECTED, 413: TOO_LARGE },
  'teams GET': { 404: NOT_CONNECTED, 405: 'Graph validates subscriptions with POST ?validationToken; GET is refused' },
  'teams POST': { 200: 'the validationToken echoed (text/plain)', 202: 'notifications accepted', 400: 'not a notification body', 403: 'clientState does not match the subscription', 404: NOT_CONNECTED, 413: TOO_LARGE },
  'zoom POST': { 200: 'accepted, or the endpoint.url_validation answer', 400: 'not a Zoom event', 401: 'missing or wrong x-zm-signature, or outside the 5-minute window', 404: NOT_CONNECTED, 413: TOO_LARGE },
  'whatsapp GET': { 200: 'the hub.challenge echoed (text/plain)', 403: 'wrong hub.verify_token, or none configured', 404: NOT_CONNECTED },
  'whatsapp POST': { 200: 'accepted', 400: 'not a Cloud API body', 401: 'missing X-Hub-Signature-256', 403: 'wrong signature', 404: NOT_CONNECTED, 413: TOO_LARGE },
  'linkedin GET': { 200: 'the challengeCode answer', 400: 'no challengeCode', 404: NOT_CONNECTED, 503: 'no client secret configured' },
  'linkedin POST': { 200: 'accepted', 400: 'not a LinkedIn notification', 401: 'missing X-LI-Signature', 403: 'wrong signature', 404: NOT_CONNECTED, 413: TOO_LARGE, 503: 'no client secret configured' },
};

const GENERIC: Record<WebhookRoute['method'], Statuses> = {
  GET: { 200: 'the handshake answer', 400: 'a malformed handshake', 403: 'verification failed', 404: NOT_CONNECTED },
  POST: { 200: 'accepted', 202: 'accepted', 400: 'not a delivery body', 401: 'missing or wrong signature', 403: 'wrong signature', 404: NOT_CONNECTED, 413: TOO_LARGE },
};

const capitalized = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The operation of one webhook receiver: public (the platform's signature is the check), raw body, answered
 * with the statuses its handler gives (`verify<Platform>Webhook` for GET handshakes, `receive<Platform>Webhook`).
 */
export function webhookOperation(route: WebhookRoute): OperationSpec {
  const statuses = KNOWN[`${route.platform} ${route.method}`] ?? GENERIC[route.method];
  const responses: Record<number, ResponseSpec> = {};
  for (const [status, description] of Object.entries(statuses)) responses[Number(status)] = { description, contentType: 'json-or-text' };
  return {
    operationId: `${route.method === 'GET' ? 'verify' : 'receive'}${capitalized(route.platform)}Webhook`,
    method: route.method === 'GET' ? 'get' : 'post',
    path: `/v1/webhooks/${route.platform}`,
    tag: 'webhooks',
    scope: null,
    summary: route.summary,
    description: "Public: the platform's signature on the raw body is the check, not an API key. The answer goes out first; the presence it carried is applied right after.",
    responses,
  };
}

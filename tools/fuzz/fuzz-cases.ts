import * as fc from 'fast-check';
import { type Schema, SchemaArbitraries } from './schema-arbitraries';

/** One HTTP request the fuzzer sends, with what it is (a valid request, which mutation, which webhook attack). */
export interface FuzzCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  operationId: string;
  kind: 'valid' | 'mutated' | 'webhook';
  /** The mutation or attack applied (`no-key`, `not-json`, `forged-signature`, ...). */
  variant: string;
  /** Mutations every service must refuse with a 4xx. */
  mustReject: boolean;
  /** Path parameter values (user ids the store check reads back). */
  targets: string[];
}

export interface Operation {
  method: string;
  path: string;
  schema: Schema;
  webhook: boolean;
  secured: boolean;
}

/** Ids no boundary may store: NUL, control characters, a lone surrogate, over the documented 256 characters. */
export const HOSTILE_IDS = ['nul\u0000id', 'bell\u0007id', 'tab\tid', 'lone\ud800', 'x'.repeat(257), '..%2F..', '\u202eevil', 'a'.repeat(10_000)];

/** Signature headers real platforms send, each with a well-formed forged value. */
const FORGED_SIGNATURES: Record<string, string>[] = [
  { 'x-slack-signature': `v0=${'ab'.repeat(32)}`, 'x-slack-request-timestamp': '1700000000' },
  { 'x-zm-signature': `v0=${'cd'.repeat(32)}`, 'x-zm-request-timestamp': '1700000000' },
  { 'x-hub-signature-256': `sha256=${'ef'.repeat(32)}` },
  { 'x-li-signature': '0'.repeat(64) },
];

/** Bodies shaped like each platform's deliveries (so a forged one would change presence if accepted). */
function platformBodies(accounts: readonly string[]): fc.Arbitrary<unknown> {
  const account = fc.constantFrom(...accounts);
  return fc.oneof(
    account.map((id) => ({ type: 'event_callback', team_id: 'T0', event: { type: 'presence_change', user: id, presence: 'active' }, event_id: 'Ev1', event_time: 1 })),
    account.map((id) => ({ event: 'user.presence_status_updated', event_ts: 1, payload: { account_id: 'a', object: { id, presence_status: 'Do_Not_Disturb' } } })),
    account.map((id) => ({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { messages: [{ from: id, id: 'wamid.1', timestamp: '1', type: 'text' }] } }] }] })),
    account.map((id) => ({ value: [{ subscriptionId: 's', clientState: 'forged', resource: `communications/presences/${id}`, resourceData: { availability: 'Busy' } }] })),
  );
}

export function operationsOf(document: Schema): Operation[] {
  return Object.entries(document.paths as Record<string, Record<string, Schema>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, schema]) => ({
      method: method.toUpperCase(),
      path,
      schema,
      webhook: path.startsWith('/v1/webhooks/'),
      secured: '401' in (schema.responses ?? {}) && !path.startsWith('/v1/webhooks/'),
    })),
  );
}

function bodySchema(operation: Operation): Schema | undefined {
  return operation.schema.requestBody?.content?.['application/json']?.schema as Schema | undefined;
}

/** A request the operation's parameters and body schema accept. */
function validRequest(arbitraries: SchemaArbitraries, operation: Operation): fc.Arbitrary<Omit<FuzzCase, 'kind' | 'variant' | 'mustReject'> & { parsed?: unknown }> {
  const parameters = (operation.schema.parameters ?? []) as Schema[];
  const values: Record<string, fc.Arbitrary<unknown>> = {};
  for (const parameter of parameters) {
    const value = arbitraries.value(parameter.schema ?? { type: 'string' });
    values[parameter.name] = parameter.required ? value : fc.option(value, { nil: undefined });
  }
  const schema = bodySchema(operation);
  const body = schema ? (operation.schema.requestBody.required ? arbitraries.value(schema) : fc.option(arbitraries.value(schema), { nil: undefined })) : fc.constant(undefined);
  return fc.record({ filled: fc.record(values), parsed: body }).map(({ filled, parsed }) => {
    let path = operation.path;
    const query = new URLSearchParams();
    const targets: string[] = [];
    for (const parameter of parameters) {
      const value = filled[parameter.name];
      if (value === undefined) continue;
      // "." and ".." are dot segments: no URL can carry them as a path parameter.
      const text = String(value) === '.' || String(value) === '..' ? 'dot' : String(value);
      if (parameter.in === 'path') {
        path = path.replace(`{${parameter.name}}`, encodeURIComponent(text));
        if (parameter.name === 'userId') targets.push(text);
      } else if (parameter.in === 'query') query.set(parameter.name, text);
    }
    const search = query.toString();
    const headers: Record<string, string> = parsed === undefined ? {} : { 'content-type': 'application/json' };
    return { method: operation.method, path: search ? `${path}?${search}` : path, headers, operationId: operation.schema.operationId, targets, parsed, ...(parsed === undefined ? {} : { body: JSON.stringify(parsed) }) };
  });
}

type Mutation = (request: FuzzCase & { parsed?: unknown }, operation: Operation) => Partial<FuzzCase> | undefined;

/** Percent-encodes a path segment; a lone surrogate goes as the bytes a careless client would send (%ED%A0%80). */
export function segment(text: string): string {
  return text.replace(/[\ud800-\udfff]/g, (unit) => (/[\ud800-\udbff]/.test(unit) ? '\u0000LONE-HIGH' : '\u0000LONE-LOW')).split('\u0000LONE-HIGH').map((part) => part.split('\u0000LONE-LOW').map(encodeURIComponent).join('%ED%B0%80')).join('%ED%A0%80');
}

const deep = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

/** Each mutation's name, whether a service must refuse it, and how it changes a valid request (undefined: not applicable). */
const MUTATIONS: Record<string, { mustReject: boolean; apply: Mutation }> = {
  'no-key': { mustReject: true, apply: (_, op) => (op.secured ? { headers: { ..._.headers, authorization: '' } } : undefined) },
  'wrong-key': { mustReject: true, apply: (r, op) => (op.secured ? { headers: { ...r.headers, authorization: 'Bearer not-a-key-0123456789' } } : undefined) },
  'hostile-id': {
    mustReject: false,
    apply: (r, op) => {
      const match = /\{(\w+)\}/.exec(op.path);
      if (!match || match[1] === 'platform') return undefined;
      const id = HOSTILE_IDS[r.path.length % HOSTILE_IDS.length];
      const path = op.path.replace(`{${match[1]}}`, segment(id)).replace(/\{platform\}/, 'slack');
      return { path, targets: match[1] === 'userId' ? [id] : [] };
    },
  },
  'hostile-body-id': {
    mustReject: false,
    apply: (r) => (typeof r.body === 'string' && r.parsed !== null && typeof r.parsed === 'object' ? { body: r.body.replace(/"(alice|bob|carol|[A-Za-z0-9]{3,})"/, JSON.stringify(HOSTILE_IDS[r.body.length % 4])) } : undefined),
  },
  'not-json': { mustReject: true, apply: (r, op) => (bodySchema(op) ? { headers: { ...r.headers, 'content-type': 'application/json' }, body: '{"unterminated": ' } : undefined) },
  'wrong-shape': { mustReject: true, apply: (r, op) => (bodySchema(op) && op.schema.requestBody.required ? { headers: { ...r.headers, 'content-type': 'application/json' }, body: ['[42]', '"text"', '17', 'null', 'true'][r.path.length % 5] } : undefined) },
  'drop-required': {
    mustReject: true,
    apply: (r, op) => {
      const required = (bodySchema(op) && (resolveTop(op) as Schema).required) as string[] | undefined;
      if (!required?.length || typeof r.parsed !== 'object' || r.parsed === null) return undefined;
      const copy = { ...(r.parsed as Record<string, unknown>) };
      delete copy[required[0]];
      return { body: JSON.stringify(copy) };
    },
  },
  'wrong-field-type': {
    mustReject: false,
    apply: (r) => {
      if (typeof r.parsed !== 'object' || r.parsed === null || Array.isArray(r.parsed)) return undefined;
      const key = Object.keys(r.parsed)[0];
      if (!key) return undefined;
      const value = (r.parsed as Record<string, unknown>)[key];
      return { body: JSON.stringify({ ...(r.parsed as object), [key]: typeof value === 'string' ? { nested: [value] } : 'not-a-' + typeof value }) };
    },
  },
  'prototype-keys': { mustReject: false, apply: (r) => (typeof r.body === 'string' && r.body.startsWith('{') ? { body: `{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},${r.body.slice(1)}`.replace(/,}$/, '}') } : undefined) },
  'text-plain': { mustReject: true, apply: (r, op) => (bodySchema(op) && op.schema.requestBody.required ? { headers: { ...r.headers, 'content-type': 'text/plain' }, body: r.body ?? 'x' } : undefined) },
  'encoding-lie': { mustReject: true, apply: (r, op) => (bodySchema(op) ? { headers: { ...r.headers, 'content-type': 'application/json', 'content-encoding': ['gzip', 'deflate', 'br'][r.path.length % 3] }, body: r.body ?? '{}' } : undefined) },
  'deep-nesting': { mustReject: true, apply: (r, op) => (bodySchema(op) ? { headers: { ...r.headers, 'content-type': 'application/json' }, body: deep(5_000) } : undefined) },
  'huge-string': { mustReject: false, apply: (r) => (typeof r.body === 'string' && r.body.includes('":"') ? { body: r.body.replace(/":"/, `":"${'é'.repeat(50_000)}`) } : undefined) },
  'bad-query': {
    mustReject: false,
    apply: (r, op) => {
      const query = ((op.schema.parameters ?? []) as Schema[]).find((parameter) => parameter.in === 'query');
      if (!query) return undefined;
      const [path, search = ''] = r.path.split('?');
      const params = new URLSearchParams(search);
      params.set(query.name, ['-1', 'NaN', '1e999', '\u0000', 'x'.repeat(600), '[object Object]'][r.path.length % 6]);
      params.append(query.name, 'twice');
      return { path: `${path}?${params}` };
    },
  },
};

function resolveTop(op: Operation): Schema | undefined {
  return bodySchema(op);
}

/**
 * Every case the fuzzer can send for `document`: valid requests for each operation, each applicable mutation of
 * them, and forged, unsigned and malformed deliveries to every webhook route. `known` are user ids that exist
 * (so mutations hit stored people) and `accounts` are platform account ids linked to them.
 */
export function fuzzCases(document: Schema, known: readonly string[], accounts: readonly string[], skipValid: ReadonlySet<string> = new Set()): fc.Arbitrary<FuzzCase> {
  const components = document.components?.schemas ?? {};
  const arbitraries = new SchemaArbitraries(components, known);
  const resolver = (schema: Schema | undefined): Schema | undefined => (schema ? arbitraries.resolve(schema) : undefined);
  const operations = operationsOf(document);
  const perOperation = operations.map((operation) => {
    const base = validRequest(arbitraries, operation);
    if (operation.webhook) {
      if (operation.method !== 'POST') return base.map((request) => ({ ...request, kind: 'webhook' as const, variant: 'handshake', mustReject: false }));
      return fc.record({ payload: fc.oneof(platformBodies(accounts), fc.jsonValue({ maxDepth: 3 })), signature: fc.option(fc.constantFrom(...FORGED_SIGNATURES), { nil: undefined }), raw: fc.boolean() }).map(({ payload, signature, raw }) => ({
        method: 'POST',
        path: operation.path,
        headers: { 'content-type': 'application/json', ...(signature ?? {}) },
        body: raw ? `${JSON.stringify(payload)}}` : JSON.stringify(payload),
        operationId: operation.schema.operationId,
        kind: 'webhook' as const,
        variant: raw ? 'malformed' : signature ? 'forged-signature' : 'unsigned',
        mustReject: true,
        targets: [],
      }));
    }
    const top = { ...operation, schema: { ...operation.schema } };
    const bodyTop = resolver(bodySchema(operation));
    const mutated = fc.tuple(base, fc.constantFrom(...Object.keys(MUTATIONS))).map(([request, name]) => {
      const mutation = MUTATIONS[name];
      const change = mutation.apply({ ...request, kind: 'mutated', variant: name, mustReject: mutation.mustReject }, { ...top, schema: { ...top.schema, requestBody: top.schema.requestBody && { ...top.schema.requestBody, content: { 'application/json': { schema: bodyTop } } } } });
      if (!change) return { ...request, kind: 'mutated' as const, variant: 'none', mustReject: false };
      return { ...request, ...change, kind: 'mutated' as const, variant: name, mustReject: mutation.mustReject };
    });
    const valid = base.map((request) => ({ ...request, kind: 'valid' as const, variant: 'valid', mustReject: false }));
    return skipValid.has(operation.schema.operationId) ? mutated : fc.oneof(valid, mutated);
  });
  return fc.oneof(...perOperation).map(({ parsed: _parsed, ...rest }: FuzzCase & { parsed?: unknown }) => rest as FuzzCase);
}

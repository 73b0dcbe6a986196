import * as fc from 'fast-check';

/** A JSON Schema node of the committed OpenAPI document (2020-12 dialect, as zod writes it). */
export type Schema = Record<string, any>;

const MAX_ITEMS = 4;
const MAX_STRING = 24;

/**
 * fast-check arbitraries for values a JSON Schema accepts: `$ref` into `components.schemas`, `anyOf`/`oneOf`,
 * `const`, `enum`, the five types (and type lists), string limits, `pattern`, the formats the document uses
 * (`date-time`, `iana-time-zone` from its examples, `uri`), number limits, array limits (capped at a few
 * items above the minimum) and objects (required properties always, optional ones sometimes, nothing else).
 */
export class SchemaArbitraries {
  constructor(private readonly components: Record<string, Schema>) {}

  resolve(schema: Schema): Schema {
    let current = schema;
    while (typeof current.$ref === 'string') current = this.components[current.$ref.replace('#/components/schemas/', '')];
    return current;
  }

  value(input: Schema): fc.Arbitrary<unknown> {
    const schema = this.resolve(input);
    if ('const' in schema) return fc.constant(schema.const);
    if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
    const union = schema.anyOf ?? schema.oneOf;
    if (Array.isArray(union)) return fc.oneof(...union.map((member: Schema) => this.value(member)));
    if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((type: string) => this.value({ ...schema, type })));
    switch (schema.type) {
      case 'string':
        return this.string(schema);
      case 'integer':
        return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
      case 'number':
        return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return this.array(schema);
      case 'object':
        return this.object(schema);
      default:
        return fc.jsonValue();
    }
  }

  private string(schema: Schema): fc.Arbitrary<string> {
    const min = schema.minLength ?? 0;
    const max = Math.max(min, Math.min(schema.maxLength ?? MAX_STRING, min + MAX_STRING));
    if (schema.format === 'iana-time-zone') return fc.constantFrom(...(schema.examples as string[]));
    if (schema.format === 'date-time') return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString());
    if (schema.format === 'uri') return fc.webUrl();
    if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern, 'u')).filter((text) => text.length >= min && text.length <= max);
    return fc.string({ minLength: min, maxLength: max });
  }

  private array(schema: Schema): fc.Arbitrary<unknown[]> {
    const minLength = schema.minItems ?? 0;
    const maxLength = Math.min(schema.maxItems ?? minLength + MAX_ITEMS, minLength + MAX_ITEMS);
    return fc.array(this.value(schema.items ?? {}), { minLength, maxLength });
  }

  private object(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const required = new Set<string>(schema.required ?? []);
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [name, property] of Object.entries(properties)) record[name] = this.value(property);
    const requiredKeys = Object.keys(record).filter((name) => required.has(name));
    if (Object.keys(record).length > 0) return fc.record(record, { requiredKeys });
    if (schema.propertyNames || (schema.additionalProperties && typeof schema.additionalProperties === 'object')) {
      return fc.dictionary(this.value(schema.propertyNames ?? { type: 'string', minLength: 1 }) as fc.Arbitrary<string>, this.value(schema.additionalProperties ?? {}), { maxKeys: MAX_ITEMS });
    }
    return fc.constant({});
  }
}

/** One request an operation accepts: path with parameters filled in, query string, JSON body (or none). */
export interface GeneratedRequest {
  method: string;
  path: string;
  body?: unknown;
}

/** Requests that satisfy an operation's parameters and body schema. */
export function requestArbitrary(arbitraries: SchemaArbitraries, method: string, path: string, operation: Schema): fc.Arbitrary<GeneratedRequest> {
  const parameters = (operation.parameters ?? []) as Schema[];
  const values: Record<string, fc.Arbitrary<unknown>> = {};
  for (const parameter of parameters) values[parameter.name] = parameter.required ? arbitraries.value(parameter.schema) : fc.option(arbitraries.value(parameter.schema), { nil: undefined });
  const body = operation.requestBody?.content?.['application/json']?.schema as Schema | undefined;
  const bodyArbitrary = body ? (operation.requestBody.required ? arbitraries.value(body) : fc.option(arbitraries.value(body), { nil: undefined })) : fc.constant(undefined);
  return fc.record({ values: fc.record(values), body: bodyArbitrary }).filter(({ values: filled }) =>
    // "." and ".." are dot segments: no URL can carry them as a path parameter, so no client can send them.
    parameters.every((parameter) => parameter.in !== 'path' || (filled[parameter.name] !== '.' && filled[parameter.name] !== '..')),
  ).map(({ values: filled, body: content }) => {
    let url = path;
    const query = new URLSearchParams();
    for (const parameter of parameters) {
      const value = filled[parameter.name];
      if (value === undefined) continue;
      if (parameter.in === 'path') url = url.replace(`{${parameter.name}}`, encodeURIComponent(String(value)));
      else query.set(parameter.name, String(value));
    }
    const search = query.toString();
    return { method: method.toUpperCase(), path: search ? `${url}?${search}` : url, ...(content === undefined ? {} : { body: content }) };
  });
}

import * as fc from 'fast-check';

/** A node of the OpenAPI document (JSON Schema 2020-12, as zod writes it), or any other part of it. */
export type Schema = Record<string, any>;

const MAX_ITEMS = 4;
const MAX_STRING = 24;

/**
 * fast-check arbitraries for values a JSON Schema accepts: `$ref` into `components.schemas`, `anyOf`/`oneOf`,
 * `const`, `enum`, the five types (and type lists), string and number limits, `pattern`, the formats the document
 * uses (`date-time`, `iana-time-zone` from its examples, `uri`), arrays (a few items above the minimum) and objects
 * (required properties always, optional ones sometimes). `pick` biases free strings toward ids that exist.
 */
export class SchemaArbitraries {
  constructor(
    private readonly components: Record<string, Schema>,
    private readonly known: readonly string[] = [],
  ) {}

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
        return fc.integer({ min: Math.max(schema.minimum ?? -1_000_000, -1_000_000), max: Math.min(schema.maximum ?? 1_000_000, 1_000_000) });
      case 'number':
        return fc.double({ min: Math.max(schema.minimum ?? -1e6, -1e6), max: Math.min(schema.maximum ?? 1e6, 1e6), noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return this.array(schema);
      case 'object':
        return this.object(schema);
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  private string(schema: Schema): fc.Arbitrary<string> {
    const min = schema.minLength ?? 0;
    const max = Math.max(min, Math.min(schema.maxLength ?? MAX_STRING, min + MAX_STRING));
    if (schema.format === 'iana-time-zone') return fc.constantFrom(...((schema.examples as string[] | undefined) ?? ['UTC']));
    if (schema.format === 'date-time') return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString());
    if (schema.format === 'uri') return fc.webUrl();
    if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern)).filter((text) => text.length >= min && text.length <= max);
    const free = fc.string({ minLength: min, maxLength: max });
    const known = this.known.filter((id) => id.length >= min && id.length <= max);
    return known.length > 0 ? fc.oneof(fc.constantFrom(...known), free) : free;
  }

  private array(schema: Schema): fc.Arbitrary<unknown[]> {
    const minLength = schema.minItems ?? 0;
    const maxLength = Math.min(schema.maxItems ?? minLength + MAX_ITEMS, minLength + MAX_ITEMS);
    return fc.array(this.value(schema.items ?? {}), { minLength, maxLength });
  }

  private object(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [name, property] of Object.entries(properties)) record[name] = this.value(property);
    const required = new Set<string>(schema.required ?? []);
    if (Object.keys(record).length > 0) return fc.record(record, { requiredKeys: Object.keys(record).filter((name) => required.has(name)) });
    if (schema.propertyNames || (schema.additionalProperties && typeof schema.additionalProperties === 'object')) {
      const keys = this.value(schema.propertyNames ?? { type: 'string', minLength: 1 }) as fc.Arbitrary<string>;
      return fc.dictionary(keys, this.value(schema.additionalProperties ?? {}), { maxKeys: MAX_ITEMS });
    }
    return fc.constant({});
  }
}

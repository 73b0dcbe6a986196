import * as fc from 'fast-check';

// eslint-disable-next-line @nx/enforce-module-boundaries -- one schema generator for the fuzzers: tools/fuzz holds it with its long-mode CLI
import { type Schema, SchemaArbitraries } from '../../../../tools/fuzz/schema-arbitraries';

export { type Schema, SchemaArbitraries };

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

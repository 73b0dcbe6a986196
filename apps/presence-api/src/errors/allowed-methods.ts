import type { FastifyInstance } from 'fastify';

/** The methods a route of this service can be declared with (Nest's decorators), HEAD coming with GET. */
const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/**
 * The methods the app's routes answer at this URL, upper case and sorted; empty when no route matches it. Asked
 * of Fastify's own router, so it can never disagree with the routing. Only for requests no route took (a 404
 * on its way out), never on the hot path.
 */
export function allowedMethods(fastify: Pick<FastifyInstance, 'findRoute'>, url: string): string[] {
  return METHODS.filter((method) => fastify.findRoute({ method: method as 'GET', url }) !== null);
}

// Fastify's internal symbols module (the Nest Fastify adapter reads it too): the route context of a request,
// which `request.routeOptions` reads, without building that options object on every request.
declare module 'fastify/lib/symbols' {
  export const kRouteContext: unique symbol;
}

// A third baseline: plain Fastify (the HTTP platform the service runs on since issue 13, without Nest or any of
// the service's work) answering the same JSON from a Map as bare-server.cjs. The gap between it and the bare
// server is what the platform itself costs; the gap between it and the service is Nest and the service.
const { fastify } = require('fastify');

const people = new Map();
const app = fastify({ keepAliveTimeout: 60_000 });
app.get('/v1/presence/:id', (request, reply) => {
  const view = people.get(request.params.id);
  if (!view) return void reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'no such person' } });
  reply.send(view);
});
app.post('/v1/availability', (request, reply) => {
  const availability = {};
  for (const id of request.body.userIds) availability[id] = people.get(id)?.available === true;
  reply.send({ availability });
});

process.on('message', (message) => {
  if (message.cmd === 'load') {
    for (const view of message.views) people.set(view.userId, view);
    process.send({ done: 'load', people: people.size });
  } else if (message.cmd === 'cpu') {
    process.send({ done: 'cpu', cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
  } else if (message.cmd === 'exit') {
    process.exit(0);
  }
});
app.listen({ port: 0, host: '127.0.0.1' }).then(() => process.send({ ready: true, port: app.server.address().port }));

// The benchmark that started this server is gone: so is the server.
process.on('disconnect', () => process.exit(0));

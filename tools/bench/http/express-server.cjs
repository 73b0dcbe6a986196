// A baseline: plain Express (the HTTP platform the service ran on until issue 13 moved it to Fastify) answering
// the same JSON from a Map as bare-server.cjs: what the old platform alone costs, beside fastify-server.cjs.
const express = require('express');

const people = new Map();
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.use(express.json({ limit: 1024 * 1024 }));
app.get('/v1/presence/:id', (request, response) => {
  const view = people.get(request.params.id);
  if (!view) return void response.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such person' } });
  response.json(view);
});
app.post('/v1/availability', (request, response) => {
  const availability = {};
  for (const id of request.body.userIds) availability[id] = people.get(id)?.available === true;
  response.json({ availability });
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
const server = app.listen(0, '127.0.0.1', () => process.send({ ready: true, port: server.address().port }));
server.keepAliveTimeout = 60_000;

// The benchmark that started this server is gone: so is the server.
process.on('disconnect', () => process.exit(0));

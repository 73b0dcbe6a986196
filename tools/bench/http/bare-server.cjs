// The baseline: a bare node:http server answering the service's JSON from a Map (the same person views the
// service returned, copied over IPC), with no framework, key check, metrics or logging.
const http = require('node:http');

const people = new Map();

function answer(response, status, value) {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url.startsWith('/v1/presence/')) {
    const view = people.get(decodeURIComponent(request.url.slice('/v1/presence/'.length)));
    return view ? answer(response, 200, view) : answer(response, 404, { error: { code: 'NOT_FOUND', message: 'no such person' } });
  }
  if (request.method === 'POST' && request.url.startsWith('/v1/availability')) {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const { userIds } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const availability = {};
      for (const id of userIds) availability[id] = people.get(id)?.available === true;
      answer(response, 200, { availability });
    });
    return;
  }
  answer(response, 404, { error: { code: 'NOT_FOUND', message: 'no such route' } });
});
server.keepAliveTimeout = 60_000;

process.on('message', (message) => {
  if (message.cmd === 'load') {
    for (const view of message.views) people.set(view.userId, view);
    process.send({ done: 'load', people: people.size });
  } else if (message.cmd === 'cpu') {
    process.send({ done: 'cpu', cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
  } else if (message.cmd === 'exit') {
    server.close();
    process.exit(0);
  }
});
server.listen(0, '127.0.0.1', () => process.send({ ready: true, port: server.address().port }));

// The benchmark that started this server is gone: so is the server.
process.on('disconnect', () => process.exit(0));

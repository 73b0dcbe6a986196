// A small keep-alive HTTP/1.1 load client on raw loopback sockets: what autocannon does, at less CPU per request
// (24 µs against autocannon 9's 33-48 here), which matters when client and server share two cores (the root README,
// "HTTP and stream", says why it is not autocannon). Each connection sends one request, reads the whole response
// (Content-Length framing, which both servers use), records the latency and sends the next. Bounded by time and by
// request count; with `rate`, connections are paced so the total is `rate` requests a second (latency from the
// actual send).
const net = require('node:net');
const { performance } = require('node:perf_hooks');

const HEADER_END = Buffer.from('\r\n\r\n');

/** A request as bytes, built once: `GET /path` or a JSON POST, with the bearer key if given. */
function requestBytes({ method = 'GET', path, body, token }) {
  const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  let head = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n`;
  if (token) head += `Authorization: Bearer ${token}\r\n`;
  if (payload) head += `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n`;
  head += '\r\n';
  return payload ? Buffer.concat([Buffer.from(head), payload]) : Buffer.from(head);
}

function contentLength(head) {
  const match = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (!match) throw new Error(`response without Content-Length: ${head.slice(0, 200)}`);
  return Number(match[1]);
}

/**
 * Drives `connections` keep-alive connections for `durationMs` (and at most `maxRequests`), each sending
 * `requests[n % requests.length]` in turn. Resolves with {requests, seconds, rps, p50, p90, p99, max, errors, statuses}.
 */
function drive({ port, connections, durationMs, maxRequests = Infinity, rate, requests }) {
  const latencies = [];
  const statuses = {};
  let sent = 0;
  let errors = 0;
  let done = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const gapMs = rate ? (1000 * connections) / rate : 0;

  return new Promise((resolve, reject) => {
    const finish = () => {
      if (++done < connections) return;
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const pct = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN);
      resolve({
        requests: latencies.length,
        seconds,
        rps: latencies.length / seconds,
        p50: pct(0.5),
        p90: pct(0.9),
        p99: pct(0.99),
        max: latencies[latencies.length - 1],
        errors,
        statuses,
      });
    };
    for (let c = 0; c < connections; c++) {
      const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
      let buffered = Buffer.alloc(0);
      let sentAt = 0;
      let index = c;
      let nextDue = started + (gapMs * c) / connections;
      const send = () => {
        const now = performance.now();
        if (now >= deadline || sent >= maxRequests) return socket.end(), finish();
        if (gapMs && now < nextDue) return void setTimeout(send, nextDue - now);
        nextDue = Math.max(nextDue + gapMs, gapMs ? now - gapMs : 0);
        sent++;
        sentAt = performance.now();
        socket.write(requests[index % requests.length]);
        index += connections;
      };
      socket.on('connect', send);
      socket.on('error', (error) => reject(error));
      socket.on('data', (chunk) => {
        buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
        const end = buffered.indexOf(HEADER_END);
        if (end < 0) return;
        const head = buffered.toString('latin1', 0, end);
        const total = end + 4 + contentLength(head);
        if (buffered.length < total) return;
        latencies.push(performance.now() - sentAt);
        const status = head.slice(9, 12);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status[0] !== '2') errors++;
        buffered = buffered.subarray(total);
        send();
      });
    }
  });
}

module.exports = { drive, requestBytes };

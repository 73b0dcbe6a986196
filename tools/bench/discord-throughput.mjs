// Discord adapter throughput and latency against the gateway emulator (a benchmark, not a test).
//
// Run from the repository root, no build needed (TypeScript sources are transpiled on load):
//   node tools/bench/discord-throughput.mjs [--updates 300000] [--rate 5000] [--seconds 10] [--members 10000]
//
// The emulator runs in a child process (its own core when there is one), the adapter in this one. Reported:
//  1. blast: updates/s normalized and delivered to the PushSink, with each process's CPU share, and the
//     adapter's CPU time per update (what one core can sustain when the emulator is not the bottleneck);
//  2. paced: p50/p99/max delay from the emulator's send (a CLOCK_MONOTONIC stamp carried in the custom status)
//     to the sink callback at --rate updates/s.
import { fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

/** Loads the libraries' TypeScript sources through the tsconfig path aliases (the benchmarks' one loader). */
const registerTypeScript = () => require('./http/ts-register.cjs');

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

const GUILD = '1100000000000000001';
const userId = (i) => String(300_000_000_000_000 + i);
const nowNs = () => process.hrtime.bigint();
const cpuMs = (u) => (u.user + u.system) / 1000;

// ---- emulator side (child process) -----------------------------------------------------------------------
async function emulatorMain() {
  registerTypeScript();
  const { DiscordGatewayEmulator } = require(join(root, 'libs/adapters/discord/src/testing/index.ts'));
  const members = option('members', 10_000);
  const emulator = await DiscordGatewayEmulator.start({ replayCapacity: 10_000 });
  emulator.addMembers(GUILD, Array.from({ length: members }, (_, i) => ({ id: userId(i), status: 'online' })));
  let counter = 0;
  const send = () => {
    const i = counter++;
    // The stamp rides in the custom status, so every update differs and the sink can measure the delay.
    emulator.setPresence(GUILD, userId(i % members), i % 2 ? 'idle' : 'online', [
      { type: 4, name: 'Custom Status', state: `t:${nowNs()}` },
    ]);
  };
  const tick = () => new Promise((r) => setImmediate(r));

  async function blast(total) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let sent = 0; sent < total; ) {
      while (emulator.pendingBytes() > 4_000_000) await new Promise((r) => setTimeout(r, 1));
      const batch = Math.min(500, total - sent);
      emulator.burst(() => {
        for (let k = 0; k < batch; k++) send();
      });
      sent += batch;
      await tick();
    }
    return { ms: performance.now() - started, cpuMs: cpuMs(process.cpuUsage(cpu)) };
  }

  async function paced(rate, seconds) {
    const switches = process.resourceUsage().involuntaryContextSwitches;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const total = Math.round(rate * seconds);
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      emulator.burst(() => {
        while (sent < due) {
          send();
          sent++;
        }
      });
      await new Promise((r) => setTimeout(r, 1));
    }
    return {
      ms: performance.now() - started,
      cpuMs: cpuMs(process.cpuUsage(cpu)),
      sent,
      preempted: process.resourceUsage().involuntaryContextSwitches - switches,
    };
  }

  process.on('message', async (msg) => {
    if (msg.cmd === 'blast') process.send({ done: 'blast', ...(await blast(msg.total)) });
    if (msg.cmd === 'paced') process.send({ done: 'paced', ...(await paced(msg.rate, msg.seconds)) });
    if (msg.cmd === 'exit') {
      await emulator.close();
      process.exit(0);
    }
  });
  process.send({ ready: true, apiBaseUrl: emulator.apiBaseUrl, token: emulator.token });
}

// ---- adapter side (this process) -------------------------------------------------------------------------
async function adapterMain() {
  registerTypeScript();
  const { createDiscordAdapter } = require(join(root, 'libs/adapters/discord/src/index.ts'));
  const child = fork(fileURLToPath(import.meta.url), ['--emulator', ...process.argv.slice(2)]);
  const next = (key) => new Promise((resolve) => child.once('message', (m) => (m[key] ? resolve(m) : undefined)));
  const { apiBaseUrl, token } = await next('ready');

  let delivered = 0;
  let delays = null;
  const sink = {
    presence(record) {
      delivered++;
      if (delays && record.customMessage?.startsWith('t:')) delays.push(Number(nowNs() - BigInt(record.customMessage.slice(2))) / 1e6);
    },
    connection() {},
  };
  const adapter = createDiscordAdapter({ credentials: { bot_token: token, guild_id: GUILD }, apiBaseUrl });
  await adapter.startPush(sink);
  await adapter.fetchPresence([userId(0)]);
  const normalized = () => adapter.stats().presencesNormalized;
  const waitFor = async (predicate) => {
    while (!predicate()) await new Promise((r) => setTimeout(r, 2));
  };

  // Warm-up: let V8 optimize both sides before measuring.
  child.send({ cmd: 'blast', total: 20_000 });
  await next('done');
  await waitFor(() => delivered >= 20_000);

  const total = option('updates', 300_000);
  const base = { delivered, normalized: normalized() };
  const cpu = process.cpuUsage();
  const started = performance.now();
  child.send({ cmd: 'blast', total });
  const sender = await next('done');
  await waitFor(() => delivered - base.delivered >= total);
  const wallMs = performance.now() - started;
  const adapterCpu = cpuMs(process.cpuUsage(cpu));
  const got = { delivered: delivered - base.delivered, normalized: normalized() - base.normalized };

  const rate = option('rate', 5_000);
  const seconds = option('seconds', 10);
  delays = [];
  // Why a slow update was slow: the adapter's event-loop lag and how often the OS took the core away.
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const switches = process.resourceUsage().involuntaryContextSwitches;
  const pacedCpu = process.cpuUsage();
  child.send({ cmd: 'paced', rate, seconds });
  const pacedSender = await next('done');
  await waitFor(() => delays.length >= pacedSender.sent);
  const pacedAdapterCpu = cpuMs(process.cpuUsage(pacedCpu));
  lag.disable();
  const preempted = process.resourceUsage().involuntaryContextSwitches - switches;
  delays.sort((a, b) => a - b);
  const pct = (p) => delays[Math.min(delays.length - 1, Math.floor((p / 100) * delays.length))];

  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  const os = await import('node:os');
  // Other processes compete for the cores: wall-clock rates drop with load, CPU time per update much less.
  console.log(`node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`blast: ${fmt(total)} PRESENCE_UPDATE in ${fmt(wallMs)} ms`);
  console.log(`  normalized ${fmt((got.normalized / wallMs) * 1000)}/s, delivered ${fmt((got.delivered / wallMs) * 1000)}/s`);
  console.log(`  adapter CPU ${((adapterCpu / wallMs) * 100).toFixed(0)}% of a core, ${((adapterCpu * 1000) / total).toFixed(2)} µs/update -> one core sustains ~${fmt((total / adapterCpu) * 1000)}/s`);
  console.log(`  emulator CPU ${((sender.cpuMs / sender.ms) * 100).toFixed(0)}% of a core over its ${fmt(sender.ms)} ms of sending`);
  console.log(`paced: ${fmt(pacedSender.sent)} updates at ${fmt(rate)}/s over ${(pacedSender.ms / 1000).toFixed(1)} s`);
  console.log(`  send->callback delay p50 ${pct(50).toFixed(2)} ms, p99 ${pct(99).toFixed(2)} ms, max ${delays[delays.length - 1].toFixed(2)} ms`);
  console.log(`  adapter CPU ${((pacedAdapterCpu / pacedSender.ms) * 100).toFixed(0)}%, emulator CPU ${((pacedSender.cpuMs / pacedSender.ms) * 100).toFixed(0)}%`);
  console.log(`  adapter event-loop lag p99 ${(lag.percentile(99) / 1e6).toFixed(2)} ms, max ${(lag.max / 1e6).toFixed(2)} ms; involuntary context switches: adapter ${fmt(preempted)}, emulator ${fmt(pacedSender.preempted)}`);

  await adapter.close();
  child.send({ cmd: 'exit' });
}

if (process.argv.includes('--emulator')) await emulatorMain();
else await adapterMain();

// bench:budgets — for each polled platform (Slack, Teams, Zoom) and 100, 1,000 and 10,000 people, the longest gap
// between two presence reads of any person, measured in the emulator's own request log while core's real polling
// loop (PresenceAggregator, startMonitoring, the default 30 s interval) drives the real adapter against an
// emulator enforcing the platform's published limits, on virtual time. Beside it: the optimum the budget allows
// (Slack: max(interval, N / 50 per minute); Teams: the interval while ceil(N / 650) calls fit 1,500 per 30 s;
// Zoom: max(interval, N x window / limit)), the ratio, and the 429s the emulator counted.
// Target (issue 12): ratio <= 1.1 and zero 429s. Each case runs in its own process; a case that does not finish
// within --timeout-s of real time is printed as not measured, with how far it got.
// Usage: npm run bench:budgets [-- --platforms slack,teams,zoom --people 100,1000,10000 --sweeps 2 --timeout-s 600]
// JSON lands in bench-results/budgets.json.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const { values } = parseArgs({
  options: {
    platforms: { type: 'string', default: 'slack,teams,zoom' },
    people: { type: 'string', default: '100,1000,10000' },
    sweeps: { type: 'string', default: '2' },
    'timeout-s': { type: 'string', default: '600' },
  },
});
const MAX_RATIO = 1.1;
const timeoutMs = Number(values['timeout-s']) * 1000;

/** Runs one case; resolves with its result, or with why it was not measured. */
function runCase(platform, people) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, 'case.cjs'), platform, String(people), '--sweeps', values.sweeps], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let progress;
    let timedOut = false;
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => {
      err += chunk;
      for (const line of String(chunk).split('\n')) if (line.startsWith('{"progressMs"')) progress = JSON.parse(line);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop();
      if (code === 0 && line?.startsWith('{')) return resolve({ measured: true, ...JSON.parse(line) });
      const reason = timedOut
        ? `did not finish within ${timeoutMs / 1000} s of real time` + (progress ? ` (virtual time reached ${duration(progress.progressMs)} of ${duration(progress.of)})` : '')
        : `the case failed (exit ${code}): ${err.split('\n').filter((l) => l && !l.startsWith('{"progressMs"')).slice(0, 3).join(' ')}`;
      resolve({ measured: false, platform, people, reason });
    });
  });
}

function duration(ms) {
  return ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`;
}

/** Met when the ratio is within 1.1 and the emulator refused nothing; a miss says what the run measured. */
function verdict(row) {
  if (!row.measured) return { met: false, cause: `not measured: ${row.reason}` };
  const causes = [];
  if (row.rejected > 0) {
    const by = Object.entries(row.rejectedBy).filter(([, n]) => n > 0).map(([method, n]) => `${method} ${n}`).join(', ');
    causes.push(`${row.rejected} x 429 from the emulator (${by})`);
  }
  if (row.ratio > MAX_RATIO) {
    const polls = `core polled ${row.polls} times${row.pollErrors ? `, ${row.pollErrors} polls failed (last: ${row.lastError?.code} ${row.lastError?.message})` : ''}`;
    const never = row.neverReadInWindow ? `, ${row.neverReadInWindow} people never read in the window` : '';
    causes.push(`${row.longestGapPerson} waited ${duration(row.longestGapMs)} (to ${duration(row.longestGapEndedAtMs)} after start)${never}; ${polls}; calls ${JSON.stringify(row.calls)}`);
  }
  return { met: causes.length === 0, cause: causes.join('; ') || undefined };
}

const rows = [];
console.log(`bench:budgets  ${cpus().length} cores, load ${loadavg().map((n) => n.toFixed(1)).join(' ')}, node ${process.version}`);
console.log('  longest gap between two presence reads of any person; core\'s polling loop at its default interval; emulators enforce the published limits; virtual time');
console.log(`  ${'platform'.padEnd(8)} ${'people'.padStart(6)}  ${'longest gap'.padStart(11)}  ${'optimum'.padStart(9)}  ratio  429s  target (ratio <= ${MAX_RATIO}, zero 429s)`);
for (const platform of values.platforms.split(',')) {
  for (const people of values.people.split(',').map(Number)) {
    const row = await runCase(platform, people);
    Object.assign(row, verdict(row));
    rows.push(row);
    const head = `  ${platform.padEnd(8)} ${String(people).padStart(6)}`;
    if (!row.measured) {
      console.log(`${head}  ${'-'.padStart(11)}  ${'-'.padStart(9)}  ${'-'.padStart(5)}  ${'-'.padStart(4)}  NOT MEASURED: ${row.reason}`);
      continue;
    }
    console.log(
      `${head}  ${duration(row.longestGapMs).padStart(11)}  ${duration(row.optimumMs).padStart(9)}  ${row.ratio.toFixed(3)}  ${String(row.rejected).padStart(4)}  ` +
        `${row.met ? 'MET' : `MISSED: ${row.cause}`}  (${duration(row.virtualMs)} virtual in ${(row.realMs / 1000).toFixed(1)} s)`,
    );
  }
}
const limits = [...new Map(rows.filter((row) => row.measured).map((row) => [row.platform, row.limits])).entries()];
for (const [platform, text] of limits) console.log(`  ${platform}: ${text}`);
const resultsDir = join(root, 'bench-results');
mkdirSync(resultsDir, { recursive: true });
const out = join(resultsDir, 'budgets.json');
writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, cores: cpus().length, loadavg: loadavg(), maxRatio: MAX_RATIO, rows }, null, 2));
console.log(`  JSON: ${out}`);

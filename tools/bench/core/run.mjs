// Core benchmark: the project's engine, the seed's Python prototype and a bare floor loop, side by side in one
// run, each in its own process (3 runs each, medians). Run: npm run bench:core [-- --people 100000] [--runs 3]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './workload.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({
  options: {
    people: { type: 'string', multiple: true },
    runs: { type: 'string', default: '3' },
    core: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const sizes = (values.people ?? ['1000', '10000', '100000']).flatMap((value) => value.split(',')).map(Number);
const runs = Number(values.runs);
const corePath = values.core ?? `${root}libs/core/dist/index.js`;

if (!values.core && !values['no-build']) execFileSync('npx', ['tsc', '-b', 'libs/core/tsconfig.lib.json'], { cwd: root, stdio: 'inherit' });

const column = (impl, people) => {
  const command = impl === 'prototype' ? ['python3', [`${here}prototype.py`, '--people', String(people)]] : [
    process.execPath,
    ['--expose-gc', `${here}worker.mjs`, '--impl', impl, '--people', String(people), '--core', corePath],
  ];
  return JSON.parse(execFileSync(command[0], command[1], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop());
};

const METRICS = ['ingestPerSec', 'readsPerSec', 'availabilityMs', 'rssMb'];
// The runtime's own share of every Node column's RSS: an empty process, after GC, measured the same way.
const emptyNodeRssMb = Number(
  execFileSync(process.execPath, ['--expose-gc', '-e', 'gc(); setTimeout(() => { gc(); console.log(process.memoryUsage().rss / 1048576); }, 50)'], { encoding: 'utf8' }).trim(),
);
// The same for Python: the prototype's runtime alone (the interpreter with the modules it imports).
const emptyPythonRssMb = Number(
  execFileSync('python3', ['-c', 'import argparse, dataclasses, datetime, enum, gc, json, random, statistics, time, typing; gc.collect(); print(next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS:")) / 1024)'], { encoding: 'utf8' }).trim(),
);
const results = [];
for (const people of sizes) {
  const row = { people };
  for (const impl of ['project', 'prototype', 'floor']) {
    const samples = [];
    // Interleaving would be fairer to a drifting machine, but each process must run alone: one at a time.
    for (let run = 0; run < runs; run++) samples.push(column(impl, people));
    row[impl] = Object.fromEntries(METRICS.map((metric) => [metric, median(samples.map((sample) => sample[metric]))]));
    row[impl].samples = samples;
  }
  row.targets = targetsFor(row);
  results.push(row);
  print(row);
}

/** The issue's goals: at 100,000 people absolute figures and 1.3x the floor's RSS; at every size, ahead of the prototype. */
function targetsFor(row) {
  const { project, prototype, floor } = row;
  const targets = [
    { name: 'ingest ahead of the prototype', met: project.ingestPerSec > prototype.ingestPerSec },
    { name: 'reads ahead of the prototype', met: project.readsPerSec > prototype.readsPerSec },
    { name: 'availability ahead of the prototype', met: project.availabilityMs < prototype.availabilityMs },
    {
      name: 'RSS ahead of the prototype',
      met: project.rssMb < prototype.rssMb,
      cause:
        `an empty Node process is ${Math.round(emptyNodeRssMb)} MB RSS, an empty Python one ${Math.round(emptyPythonRssMb)} MB; above its empty runtime the project holds ` +
        `${Math.round(project.rssMb - emptyNodeRssMb)} MB, the prototype ${Math.round(prototype.rssMb - emptyPythonRssMb)} MB`,
    },
  ];
  if (row.people >= 100_000) {
    targets.push(
      { name: 'ingest >= 1,000,000 readings/s', met: project.ingestPerSec >= 1_000_000 },
      { name: 'reads >= 1,000,000/s', met: project.readsPerSec >= 1_000_000 },
      { name: '1,000-id availability <= 1 ms', met: project.availabilityMs <= 1 },
      { name: 'RSS <= 1.3 x floor', met: project.rssMb <= 1.3 * floor.rssMb },
    );
  }
  return targets;
}

function print(row) {
  const rate = (value) => (value >= 1e6 ? `${(value / 1e6).toFixed(2)}M` : `${Math.round(value / 1e3)}k`);
  const cells = (metric, format) => ['project', 'prototype', 'floor'].map((impl) => format(row[impl][metric])).join(' / ');
  console.log(`\n${row.people.toLocaleString('en')} people x 6 platforms (medians of ${runs} runs; project / prototype / floor)`);
  console.log(`  ingest/s        ${cells('ingestPerSec', rate)}`);
  console.log(`  reads/s         ${cells('readsPerSec', rate)}`);
  console.log(`  1,000-id avail  ${cells('availabilityMs', (ms) => `${ms.toFixed(2)} ms`)}`);
  console.log(`  RSS             ${cells('rssMb', (mb) => `${Math.round(mb)} MB`)}`);
  for (const target of row.targets) console.log(`  ${target.met ? 'MET ' : 'MISS'} ${target.name}${!target.met && target.cause ? ` (${target.cause})` : ''}`);
}

mkdirSync(`${root}bench-results`, { recursive: true });
const file = `${root}bench-results/core-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, `${JSON.stringify({ node: process.version, cpus: cpus().length, loadavg: loadavg(), runs, emptyNodeRssMb, emptyPythonRssMb, results }, null, 2)}\n`);
console.log(`\n${file}`);

// npm run soak [-- --hours-equivalent 24 --people 1000 --seed 20500]
// The soak (tools/soak/src/soak.ts) on TypeScript sources loaded without a build: prints each target as MET or
// MISSED with its measured cause and writes bench-results/soak.json. Exit code 1 when a target is missed.
require('../../libs/store/scripts/register-ts.cjs');
const { mkdirSync, writeFileSync } = require('node:fs');
const { cpus, loadavg } = require('node:os');
const { join } = require('node:path');
const { parseArgs } = require('node:util');
const { runSoak } = require('./src/soak.ts');
const { report, verdicts } = require('./src/soak-report.ts');

async function main() {
  const { values } = parseArgs({
    options: {
      'hours-equivalent': { type: 'string', default: '24' },
      people: { type: 'string', default: '1000' },
      seed: { type: 'string', default: String(0x50a4) },
    },
  });
  const hoursEquivalent = Number(values['hours-equivalent']);
  const people = Number(values.people);
  if (!(hoursEquivalent > 0) || !(people > 0)) throw new Error('usage: npm run soak -- --hours-equivalent 24 --people 1000');
  const loadBefore = loadavg();
  console.log(`soak: ${cpus().length} cores, load ${loadBefore.map((n) => n.toFixed(1)).join(' ')}, node ${process.version}`);
  const result = await runSoak({
    hoursEquivalent,
    people,
    seed: Number(values.seed),
    progress: (at, of) => process.stderr.write(`  ${(at / 3_600_000).toFixed(0)} h of ${(of / 3_600_000).toFixed(1)} h virtual\n`),
  });
  for (const line of report(result)) console.log(line);
  const dir = join(__dirname, '..', '..', 'bench-results');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'soak.json');
  const targets = verdicts(result);
  writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, cores: cpus().length, loadavg: { before: loadBefore, after: loadavg() }, targets, ...result }, null, 2));
  console.log(`  JSON: ${out}`);
  return targets.every((verdict) => verdict.met) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`soak: ${error?.stack ?? error}`);
    process.exit(1);
  },
);

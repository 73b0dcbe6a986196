// Self time per function in a `node --cpu-prof` profile, highest first:
//   node tools/bench/core/profile-summary.mjs <file.cpuprofile> [top]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [file, top = '15'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
const deltas = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const { callFrame } = byId.get(profile.samples[i]);
  const name = `${callFrame.functionName || '(anonymous)'} ${callFrame.url ? `${basename(callFrame.url)}:${callFrame.lineNumber + 1}` : ''}`.trim();
  self.set(name, (self.get(name) ?? 0) + (deltas[i] ?? 0));
}
const total = [...self.values()].reduce((sum, value) => sum + value, 0);
for (const [name, time] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
  console.log(`${((100 * time) / total).toFixed(1).padStart(5)}%  ${name}`);
}

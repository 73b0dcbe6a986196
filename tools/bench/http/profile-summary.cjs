// Summarizes a V8 .cpuprofile (node --cpu-prof): self time per function (name, file:line), the top N, and the
// share of time spent in garbage collection, so a benchmark can say what dominated.
const { readFileSync } = require('node:fs');
const { relative } = require('node:path');

const root = require('node:path').join(__dirname, '..', '..', '..');

function summarizeProfile(file, top = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${relative(root, url.replace('file://', ''))}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    const dt = deltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  // The inspector's own 'dispatch' (stopping the profiler and serializing the profile) is not the service's work.
  const notWork = (key) => key === '(idle)' || key === 'dispatch';
  const idle = self.get('(idle)') ?? 0;
  const busy = total - idle - (self.get('dispatch') ?? 0);
  const rows = [...self.entries()]
    .filter(([key]) => !notWork(key))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, us]) => ({ fn, ms: Math.round(us / 1000), share: busy ? us / busy : 0 }));
  // Self time by package or folder: where the busy time goes at a coarser grain.
  const areas = new Map();
  for (const [key, us] of self) {
    if (notWork(key)) continue;
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(key) ?? /((?:apps|libs)\/(?:adapters\/)?[^/]+)/.exec(key);
    const area = match ? match[1] : key.startsWith('(') ? key.split(' ')[0] : 'node internals';
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const byArea = [...areas.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([area, us]) => ({ area, share: busy ? us / busy : 0 }));
  return { busyMs: Math.round(busy / 1000), idleMs: Math.round(idle / 1000), top: rows, byArea };
}

function printProfile(title, summary) {
  console.log(`\n${title}: ${summary.busyMs} ms busy, ${summary.idleMs} ms idle`);
  console.log(`  by area: ${summary.byArea.map((a) => `${a.area} ${(a.share * 100).toFixed(1)}%`).join(', ')}`);
  for (const row of summary.top) console.log(`  ${(row.share * 100).toFixed(1).padStart(5)}%  ${row.fn}`);
}

module.exports = { summarizeProfile, printProfile };

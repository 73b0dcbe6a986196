import { cpus } from 'node:os';
import type { Platform } from '@amo/presence-core';
import type { SoakResult } from './soak';

/** The soak's targets (issue 19): what a run must show to pass. */
export const TARGETS = {
  /** Heap after GC from the end of warm-up to the end of the run. */
  maxMemoryGrowth: 0.1,
  /** The event loop's delay at p99 while everything runs (the stream-flood target's 50 ms). */
  maxEventLoopDelayP99Ms: 50,
};

export interface Verdict {
  target: string;
  met: boolean;
  measured: string;
  cause?: string;
}

const minutes = (ms: number): string => (ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`);

/** Each target as MET or MISSED, a miss with the measured cause. */
export function verdicts(result: SoakResult): Verdict[] {
  const platforms = Object.entries(result.platforms) as [Platform, SoakResult['platforms'][Platform]][];
  const made = platforms.reduce((sum, [, p]) => sum + p.made, 0);
  const seen = platforms.reduce((sum, [, p]) => sum + p.seen, 0);
  const missed = platforms.reduce((sum, [, p]) => sum + p.missed, 0);
  const pollErrors = platforms.filter(([, p]) => p.pollErrors > 0);
  const first = result.heapMb[0];
  const last = result.heapMb.at(-1);
  const biggest = [...result.heapMb].sort((a, b) => b.heapMb - a.heapMb)[0];
  return [
    {
      target: `memory growth < ${TARGETS.maxMemoryGrowth * 100}% (heap after GC, end of warm-up to end)`,
      met: result.memoryGrowth < TARGETS.maxMemoryGrowth,
      measured: `${(result.memoryGrowth * 100).toFixed(1)}% (${first?.heapMb.toFixed(1)} MB at ${first?.atHours.toFixed(1)} h -> ${last?.heapMb.toFixed(1)} MB at ${last?.atHours.toFixed(1)} h; RSS ${last?.rssMb.toFixed(0)} MB)`,
      cause: result.memoryGrowth < TARGETS.maxMemoryGrowth ? undefined : `the heap grew steadily; largest ${biggest?.heapMb.toFixed(1)} MB at ${biggest?.atHours.toFixed(1)} h (series: ${result.heapMb.map((h) => h.heapMb.toFixed(1)).join(', ')})`,
    },
    {
      target: `event-loop delay p99 < ${TARGETS.maxEventLoopDelayP99Ms} ms`,
      met: result.eventLoopDelay.p99Ms < TARGETS.maxEventLoopDelayP99Ms,
      measured: `p50 ${result.eventLoopDelay.p50Ms.toFixed(1)} ms, p99 ${result.eventLoopDelay.p99Ms.toFixed(1)} ms, max ${result.eventLoopDelay.maxMs.toFixed(1)} ms`,
      cause:
        result.eventLoopDelay.p99Ms < TARGETS.maxEventLoopDelayP99Ms
          ? undefined
          : `turns of the loop ran longer than the target: the soak's own work (sweep steps, bursts of deliveries) or the OS giving the core to others (load average ${result.loadAverage.map((n) => n.toFixed(1)).join(' ')} on ${cpus().length} cores)`,
    },
    {
      target: 'no errors (failed polls, uncaught exceptions, failed deliveries)',
      met: pollErrors.length === 0 && result.errorCount === 0,
      measured: `${pollErrors.reduce((sum, [, p]) => sum + p.pollErrors, 0)} failed polls, ${result.errorCount} other errors`,
      cause:
        pollErrors.length === 0 && result.errorCount === 0
          ? undefined
          : [...pollErrors.map(([platform, p]) => `${platform}: ${p.pollErrors} (last ${p.lastError})`), ...result.errors.slice(0, 3)].join('; '),
    },
    {
      target: 'every change the emulators made was seen',
      met: missed === 0 && seen === made,
      measured: `${made} made, ${seen} seen, ${missed} missed`,
      cause: missed === 0 ? undefined : result.missedExamples.join('; '),
    },
  ];
}

/** The printed report: the run, each platform's changes and latency, then the targets. */
export function report(result: SoakResult): string[] {
  const lines = [
    `soak: ${result.people} people x 6 platforms, ${result.hoursEquivalent} h equivalent (${minutes(result.virtualMs)} virtual with the drain) in ${(result.realMs / 1000).toFixed(1)} s real; ${result.timersFired} timers fired; ${result.connectionChanges} connection changes`,
    `  ${'platform'.padEnd(9)} ${'made'.padStart(7)} ${'seen'.padStart(7)} ${'missed'.padStart(6)}  latency p50 / p99 / max (virtual)   failed polls`,
  ];
  for (const [platform, p] of Object.entries(result.platforms)) {
    lines.push(
      `  ${platform.padEnd(9)} ${String(p.made).padStart(7)} ${String(p.seen).padStart(7)} ${String(p.missed).padStart(6)}  ${`${minutes(p.latencyP50Ms)} / ${minutes(p.latencyP99Ms)} / ${minutes(p.latencyMaxMs)}`.padEnd(34)} ${p.pollErrors}${p.lastError ? ` (${p.lastError})` : ''}`,
    );
  }
  const inReading = Object.entries(result.platforms).filter(([, p]) => p.seenInReading > 0);
  if (inReading.length > 0) {
    lines.push(
      `  seen only in core's reading (lastSeen), no listener event: ${inReading.map(([platform, p]) => `${platform} ${p.seenInReading}`).join(', ')} (a signal after the window passed: the stored status was still online)`,
    );
  }
  lines.push(`  heap after GC (MB) by virtual hour: ${result.heapMb.map((h) => `${h.atHours.toFixed(1)} h ${h.heapMb.toFixed(1)}`).join(', ')}`);
  for (const verdict of verdicts(result)) {
    lines.push(`  ${verdict.met ? 'MET   ' : 'MISSED'} ${verdict.target}: ${verdict.measured}${verdict.cause ? `; cause: ${verdict.cause}` : ''}`);
  }
  return lines;
}

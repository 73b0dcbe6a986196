import type { Platform } from '@amo/presence-core';
import type { PlatformCheck } from './check-platform';
import { describeVariable, type PlatformNeeds } from './platform-needs';

const ms = (value: number): string => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

function table(rows: string[][], indent = '    '): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => indent + row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
}

/** The lines for one platform: steps and latencies, native and normalized values, calls, budgets, errors. */
export function formatCheck(check: PlatformCheck, baseUrl: string | undefined): string[] {
  const lines = [`== ${check.platform}${baseUrl ? ` (${baseUrl})` : ''}`];
  for (const step of check.steps) lines.push(`  ${step.step}: ${ms(step.ms)}`);
  if (check.ids.length > 0) {
    lines.push(`  accounts (${check.idsFrom === 'people' ? 'from --people' : 'the first the platform shows'}):`);
    const rows = [['account', 'native', 'normalized', 'observed', 'details']];
    for (const record of check.records) {
      const details = [record.activity, record.customMessage, record.unrecognized ? 'not in the status table' : undefined];
      rows.push([
        record.accountId,
        record.rawStatus ?? '-',
        record.status,
        record.observedAt.toISOString(),
        details.filter(Boolean).join('; '),
      ]);
    }
    for (const id of check.notFound) rows.push([id, '-', '-', '-', 'not found on the platform']);
    const answered = new Set([...check.records.map((record) => record.accountId), ...check.notFound]);
    const why = check.error ? 'not read: see the error below' : 'not read: the adapter had no budget left for it now';
    for (const id of check.ids.filter((candidate) => !answered.has(candidate))) rows.push([id, '-', '-', '-', why]);
    lines.push(...table(rows));
  }
  if (check.calls.length > 0) {
    lines.push('  calls:');
    const rows = [['endpoint', 'calls', 'status', 'median', 'max']];
    for (const call of check.calls) rows.push([call.endpoint, String(call.calls), call.statuses, ms(call.medianMs), ms(call.maxMs)]);
    lines.push(...table(rows));
  }
  const health = check.health;
  if (health) {
    const budgets = health.budgets.map((budget) => `${budget.bucket} ${budget.used}/${budget.limit} per ${budget.windowMs / 1000} s`);
    lines.push(`  budgets in use: ${budgets.length > 0 ? budgets.join(', ') : 'none declared'}`);
    const state = [`breaker ${health.breaker}`, `retries ${health.retries}`];
    if (health.connection) state.push(`connection ${health.connection}`);
    if (health.coverage) state.push(`pushed ${health.coverage.pushed}, polled ${health.coverage.polled}`);
    lines.push(`  ${state.join(', ')}`);
  }
  for (const note of check.notes) lines.push(`  note: ${note}`);
  for (const warning of check.warnings) lines.push(`  warning: ${warning}`);
  if (check.error) {
    const status = check.error.status === undefined ? '' : ` (status ${check.error.status})`;
    lines.push(`  error: ${check.error.code}${status} at ${check.error.step}: ${check.error.message}`);
  }
  return lines;
}

/** What a platform needs before it can be checked: variable names only, secrets marked. */
export function formatNeeds(needs: PlatformNeeds): string {
  const optional = needs.optional.length > 0 ? `; optional ${needs.optional.map(describeVariable).join(', ')}` : '';
  return `  ${needs.platform.padEnd(9)} ${needs.required.map(describeVariable).join(', ')}${optional}`;
}

/** The last line: which platforms gave real presence (the prototype milestone asks for at least two). */
export function formatSummary(checks: readonly PlatformCheck[], missing: readonly Platform[]): string[] {
  const read = checks.filter((check) => !check.error && check.records.length > 0).map((check) => check.platform);
  const failed = checks.filter((check) => check.error).map((check) => `${check.platform} (${check.error?.code})`);
  const lines = [`== real presence read from ${read.length} platform(s)${read.length > 0 ? `: ${read.join(', ')}` : ''}`];
  if (failed.length > 0) lines.push(`   failed: ${failed.join(', ')}`);
  if (missing.length > 0) lines.push(`   not configured: ${missing.join(', ')}`);
  return lines;
}

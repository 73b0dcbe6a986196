import { platformName } from './labels.js';
import { channelText, type PersonReach, policyText } from './reach.js';
import type { Person } from './state.js';
import { aggregateWords, cellTitle, statusLook } from './status.js';
import { badge, el } from './view.js';

function timeline(person: Person): HTMLElement {
  if (person.timeline.length === 0) return el('p', { class: 'muted' }, 'No changes yet.');
  return el(
    'ol',
    { class: 'timeline' },
    ...person.timeline.map((entry) =>
      el(
        'li',
        {},
        el('time', { datetime: entry.at }, new Date(entry.at).toLocaleTimeString()),
        ` ${platformName(entry.platform)}: ${entry.from ? statusLook(entry.from).label : '—'} → ${statusLook(entry.to).label}`,
      ),
    ),
  );
}

/** Each linked platform with what hover shows in the grid, readable on a phone too. */
function platformList(person: Person, platforms: string[]): HTMLElement {
  const linked = platforms.filter((platform) => person.cells[platform]);
  if (linked.length === 0) return el('p', { class: 'muted' }, 'No linked platform.');
  return el(
    'ul',
    { class: 'panel-platforms' },
    ...linked.map((platform) => {
      const cell = person.cells[platform];
      return el('li', { 'data-platform': platform }, el('strong', {}, platformName(platform)), ' ', cell.noData ? 'no data' : badge(cell.status), el('span', { class: 'native' }, cellTitle(cell, (iso) => new Date(iso).toLocaleTimeString())));
    }),
  );
}

/**
 * The side panel for one person (a drawer on wide screens, a sheet from the bottom on phones): it sits over the
 * page, so opening it never widens a column or moves the grid.
 */
export function renderPanel(panel: HTMLElement, person: Person, platforms: string[], reach: PersonReach): void {
  const words = aggregateWords(person);
  const was = person.previousStatus && person.previousStatus !== person.status ? ` (was ${statusLook(person.previousStatus).label})` : '';
  panel.replaceChildren(
    el('div', { class: 'panel-head' }, el('h2', { id: 'person-title' }, person.userId), el('button', { type: 'button', class: 'panel-close', 'aria-label': 'Close' }, '✕')),
    el(
      'p',
      { class: 'panel-aggregate', 'data-aggregate': person.status },
      badge(person.status),
      ` ${words.via}${was} · `,
      el('span', { class: 'available', 'data-available': String(person.available) }, person.available ? '✔ available' : '✘ not available'),
    ),
    el(
      'dl',
      {},
      el('dt', {}, 'Policy'),
      el('dd', { id: 'person-policy', 'data-state': reach.policy.state, 'data-policy': reach.policy.state === 'done' ? (reach.policy.value ?? 'default') : '' }, policyText(reach.policy)),
      el('dt', {}, 'Best channel now'),
      el(
        'dd',
        { id: 'person-channel', 'data-state': reach.channel.state, 'data-platform': reach.channel.state === 'done' ? (reach.channel.value?.platform ?? '') : '' },
        channelText(reach.channel),
      ),
    ),
    el('h3', {}, 'Platforms'),
    platformList(person, platforms),
    el('h3', {}, 'Recent changes'),
    timeline(person),
  );
}

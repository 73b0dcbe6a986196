import type { DashboardState, Person, PlatformHealth } from './state.js';
import { cellTitle, healthLook, statusLook } from './status.js';

/** Small DOM helper: an element with attributes and children, text always set as text (never as HTML). */
function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function badge(status: string, title?: string): HTMLElement {
  const look = statusLook(status);
  const attrs: Record<string, string> = { class: `status status-${look.key}`, 'data-status': look.key };
  if (title) attrs.title = title;
  return el('span', attrs, el('span', { class: 'icon', 'aria-hidden': 'true' }, look.icon), ` ${look.label}`);
}

export function renderPlatforms(container: HTMLElement, platforms: PlatformHealth[]): void {
  const items = platforms.map((platform) => {
    const look = healthLook(platform);
    const budget = platform.rateBudgets
      .map((entry) => `${entry.bucket}: ${entry.used}/${entry.limit}`)
      .join(', ');
    const title = [platform.lastError ? `${platform.lastError.code}: ${platform.lastError.message}` : '', budget ? `rate budget ${budget}` : '']
      .filter(Boolean)
      .join(' · ');
    return el(
      'li',
      { class: `health health-${look.tone}`, 'data-platform': platform.platform, 'data-health': look.label, title: title || look.label, tabindex: '0' },
      el('strong', {}, platform.platform),
      ` ${look.label}`,
      budget ? el('small', {}, ` · ${budget}`) : '',
    );
  });
  container.replaceChildren(...items);
}

function timeline(person: Person): HTMLElement {
  if (person.timeline.length === 0) return el('p', { class: 'muted' }, 'No changes yet.');
  return el(
    'ol',
    { class: 'timeline' },
    ...person.timeline.map((entry) =>
      el('li', {}, el('time', { datetime: entry.at }, new Date(entry.at).toLocaleTimeString()), ` ${entry.platform}: ${entry.from ?? '—'} → ${entry.to}`),
    ),
  );
}

export function renderRow(person: Person, platforms: string[]): HTMLTableRowElement {
  const cells = platforms.map((platform) => {
    const cell = person.cells[platform];
    if (!cell) {
      const linked = person.linked.includes(platform);
      return el('td', { 'data-platform': platform, class: 'empty' }, linked ? badge('unknown', 'linked, no reading yet') : el('span', { class: 'muted', title: 'not linked' }, '—'));
    }
    const content = badge(cell.status, cellTitle(cell));
    if (cell.stale) content.classList.add('stale');
    return el('td', { 'data-platform': platform }, content, el('span', { class: 'native' }, cell.rawStatus ?? ''));
  });
  const row = el(
    'tr',
    { 'data-user': person.userId },
    el('th', { scope: 'row' }, el('details', {}, el('summary', {}, person.userId), timeline(person))),
    ...cells,
    el('td', { class: 'aggregate', 'data-aggregate': person.status }, badge(person.status, person.decidedBy ? `decided by ${person.decidedBy}` : 'no fresh record')),
    el('td', { class: 'available', 'data-available': String(person.available) }, person.available ? '✔ yes' : '✘ no'),
  ) as HTMLTableRowElement;
  return row;
}

export function renderGrid(table: HTMLTableElement, state: DashboardState): void {
  const platforms = state.platforms.map((platform) => platform.platform);
  const head = el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Person'), ...platforms.map((p) => el('th', { scope: 'col' }, p)), el('th', { scope: 'col' }, 'Aggregate'), el('th', { scope: 'col' }, 'Available')));
  const body = el('tbody', {}, ...[...state.people.values()].map((person) => renderRow(person, platforms)));
  table.replaceChildren(head, body);
}

/** Redraws one person's row in place, keeping their timeline open if it was. */
export function updateRow(table: HTMLTableElement, state: DashboardState, userId: string): void {
  const person = state.people.get(userId);
  const current = table.querySelector<HTMLTableRowElement>(`tr[data-user="${CSS.escape(userId)}"]`);
  if (!person || !current) return;
  const open = current.querySelector('details')?.open ?? false;
  const next = renderRow(person, state.platforms.map((platform) => platform.platform));
  if (open) next.querySelector('details')?.setAttribute('open', '');
  current.replaceWith(next);
}

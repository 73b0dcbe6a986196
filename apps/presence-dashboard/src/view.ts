import { budgetText, platformName } from './labels.js';
import type { Cell, DashboardState, Person, PlatformHealth } from './state.js';
import { aggregateWords, cellTitle, healthLook, statusLook } from './status.js';

/** Small DOM helper: an element with attributes and children, text always set as text (never as HTML). */
export function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

export function badge(status: string, title?: string): HTMLElement {
  const look = statusLook(status);
  const attrs: Record<string, string> = { class: `status status-${look.key}`, 'data-status': look.key };
  if (title) attrs.title = title;
  return el('span', attrs, el('span', { class: 'icon', 'aria-hidden': 'true' }, look.icon), ` ${look.label}`);
}

// More than one budget: the busiest as the summary, the others under it, folded on a phone.
function budgetList(budgets: string[]): HTMLElement | string {
  if (budgets.length === 0) return '';
  if (budgets.length === 1) return el('span', { class: 'budgets' }, budgets[0]);
  const list = el('details', { class: 'budgets' }, el('summary', {}, budgets[0]), ...budgets.slice(1).map((text) => el('span', {}, text)));
  (list as HTMLDetailsElement).open = !matchMedia('(max-width: 640px)').matches;
  return list;
}

/** One card per platform: its state, why it is not fine (code and message), and its rate budgets in words. */
export function renderPlatforms(container: HTMLElement, platforms: PlatformHealth[]): void {
  const items = platforms.map((platform) => {
    const look = healthLook(platform);
    // The busiest budget first: the one a platform runs out of.
    const budgets = [...platform.rateBudgets].sort((a, b) => b.used / b.limit - a.used / a.limit).map(budgetText);
    const title = [look.detail ?? look.label, ...platform.rateBudgets.map((budget) => `${budgetText(budget)} (${budget.bucket})`)].join('\n');
    return el(
      'li',
      { class: `health health-${look.tone}`, 'data-platform': platform.platform, 'data-state': platform.state, 'data-health': look.label, title, tabindex: '0' },
      el('span', { class: 'health-head' }, el('strong', {}, platformName(platform.platform)), ` ${look.label}`),
      look.detail ? el('span', { class: 'health-why', 'data-code': platform.lastError?.code ?? '' }, look.detail) : '',
      budgetList(budgets),
    );
  });
  container.replaceChildren(...items);
}

// Every cell has two lines, the second empty when there is nothing to say, so a row's height never changes.
const line = (className: string, text: string): HTMLElement => el('span', { class: `line2 ${className}` }, text || '\u00a0');

function platformCell(platform: string, cell: Cell | undefined): HTMLElement {
  if (!cell) return el('td', { 'data-platform': platform, class: 'empty' }, el('span', { class: 'muted not-linked', title: 'not linked' }, '—'), line('native', ''));
  if (cell.noData) {
    const content = el('span', { class: 'status status-unknown nodata', 'data-status': 'unknown', 'data-nodata': 'true', title: cellTitle(cell) }, 'no data');
    return el('td', { 'data-platform': platform }, content, line('native', 'linked'));
  }
  const content = badge(cell.status, cellTitle(cell));
  if (cell.stale) content.classList.add('stale');
  return el('td', { 'data-platform': platform }, content, line('native', cell.rawStatus ?? ''));
}

export function renderRow(person: Person, platforms: string[], openUserId: string | null): HTMLTableRowElement {
  const words = aggregateWords(person);
  const open = person.userId === openUserId;
  return el(
    'tr',
    { 'data-user': person.userId, class: open ? 'open' : '' },
    el(
      'th',
      { scope: 'row', class: 'person' },
      el('button', { type: 'button', class: 'person-open', 'data-user': person.userId, 'aria-controls': 'person', 'aria-expanded': String(open) }, person.userId),
    ),
    el(
      'td',
      { class: 'aggregate', 'data-aggregate': person.status, 'data-decided-by': person.decidedBy ?? '' },
      badge(person.status, `${words.status} ${words.via}`),
      line('via', words.via),
    ),
    el('td', { class: 'available', 'data-available': String(person.available) }, person.available ? '✔ yes' : '✘ no'),
    ...platforms.map((platform) => platformCell(platform, person.cells[platform])),
  ) as HTMLTableRowElement;
}

export function renderGrid(table: HTMLTableElement, state: DashboardState, openUserId: string | null): void {
  const platforms = state.platforms.map((platform) => platform.platform);
  const columns = el('colgroup', {}, el('col', { class: 'col-person' }), el('col', { class: 'col-aggregate' }), el('col', { class: 'col-available' }), ...platforms.map(() => el('col', { class: 'col-platform' })));
  const head = el(
    'thead',
    {},
    el(
      'tr',
      {},
      el('th', { scope: 'col', class: 'person' }, 'Person'),
      el('th', { scope: 'col' }, 'Aggregate'),
      el('th', { scope: 'col' }, 'Available'),
      ...platforms.map((platform) => el('th', { scope: 'col', 'data-platform': platform }, platformName(platform))),
    ),
  );
  const body = el('tbody', {}, ...[...state.people.values()].map((person) => renderRow(person, platforms, openUserId)));
  table.replaceChildren(columns, head, body);
}

/** Redraws one person's row in place. */
export function updateRow(table: HTMLTableElement, state: DashboardState, userId: string, openUserId: string | null): void {
  const person = state.people.get(userId);
  const current = table.querySelector<HTMLTableRowElement>(`tr[data-user="${CSS.escape(userId)}"]`);
  if (!person || !current) return;
  current.replaceWith(renderRow(person, state.platforms.map((platform) => platform.platform), openUserId));
}

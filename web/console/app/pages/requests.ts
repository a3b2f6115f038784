import { can, deadlineOf } from '../../logic.js';
import { channelTexts, hiddenByDefault, statusTexts, typeTexts } from '../../texts.js';
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { formatDate, formatNumber, tr } from '../i18n.js';
import { button, confirmStatus, confirmStep, field, messages, section, textOf, type Field } from '../ui.js';
import type { PageContext } from './index.js';

/** One row of POST /api/admin/requests/list: no personal value, only codes, dates and ids. */
export interface OpenRequest {
  reference: string;
  type: string;
  status: string;
  channel: string;
  receivedAt: string;
  dueAt: string;
  daysLeft: number;
  licenseeId: string;
  linkedTo?: string;
  /** The server groups a request's duplicates under it. */
  duplicates?: { reference: string; receivedAt: string; channel: string }[];
}

export interface RequestFilter {
  status: string;
  type: string;
  channel: string;
  receivedFrom: string;
  receivedTo: string;
  reference: string;
  email: string;
  includeHidden: boolean;
}

const emptyFilter = (): RequestFilter => ({
  status: '',
  type: '',
  channel: '',
  receivedFrom: '',
  receivedTo: '',
  reference: '',
  email: '',
  includeHidden: false,
});

/** Kept in memory only (the email must never reach the URL), so coming back keeps the filters. */
let filter = emptyFilter();
/** The list as last loaded, so a detail page can show a request's facts without reading its text. */
export const lastLoaded = new Map<string, OpenRequest>();

/** The filter as the server takes it: only the fields set. */
export function filterBody(current: RequestFilter): Record<string, string | boolean | string[]> {
  const body: Record<string, string | boolean | string[]> = {};
  for (const [key, value] of Object.entries(current)) {
    if (value === '' || value === false) continue;
    // The server takes several statuses, types or channels; the form picks one.
    body[key] = ['status', 'type', 'channel'].includes(key) ? [value as string] : value;
  }
  return body;
}

/** Filters in the browser what a server without filters returned (everything open). */
export function applyFilter(requests: OpenRequest[], current: RequestFilter): OpenRequest[] {
  return requests.filter((request) => {
    if (
      current.status
        ? request.status !== current.status
        : !current.includeHidden && hiddenByDefault.includes(request.status)
    )
      return false;
    if (current.type && request.type !== current.type) return false;
    if (current.channel && request.channel !== current.channel) return false;
    if (current.receivedFrom && request.receivedAt.slice(0, 10) < current.receivedFrom) return false;
    if (current.receivedTo && request.receivedAt.slice(0, 10) > current.receivedTo) return false;
    if (
      current.reference &&
      !request.reference.toUpperCase().includes(current.reference.trim().toUpperCase())
    )
      return false;
    return true;
  });
}

/** Earliest deadline first; each duplicate directly under its original. */
export function grouped(requests: OpenRequest[]): { request: OpenRequest; duplicates: OpenRequest[] }[] {
  const byReference = new Map(requests.map((request) => [request.reference, request]));
  const duplicates = new Map<string, OpenRequest[]>();
  const roots: OpenRequest[] = [];
  for (const request of requests) {
    if (request.linkedTo && byReference.has(request.linkedTo)) {
      duplicates.set(request.linkedTo, [...(duplicates.get(request.linkedTo) ?? []), request]);
    } else roots.push(request);
  }
  return roots
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
    .map((request) => ({
      request,
      duplicates: [
        ...(duplicates.get(request.reference) ?? []),
        // Grouped by the server: a duplicate is a linked request, finished the moment it arrived.
        ...(request.duplicates ?? []).map((duplicate): OpenRequest => ({
          ...duplicate,
          type: request.type,
          status: 'linked',
          dueAt: request.dueAt,
          daysLeft: request.daysLeft,
          licenseeId: request.licenseeId,
          linkedTo: request.reference,
        })),
      ],
    }));
}

export function deadlineBadge(request: Pick<OpenRequest, 'receivedAt' | 'dueAt' | 'status'>): HTMLElement {
  const finished = !['open', 'awaiting-staff-approval', 'awaiting-confirmation'].includes(request.status);
  if (finished) return h('span', { class: 'badge neutral' }, '—');
  const deadline = deadlineOf(request.receivedAt, request.dueAt, new Date());
  const label = deadline.overdue
    ? `${formatNumber(-deadline.daysLeft)} ${tr('requests.days')} ${tr('requests.overdueBy')}`
    : `${formatNumber(deadline.daysLeft)} ${tr('requests.days')}`;
  return h(
    'span',
    { class: `badge ${deadline.urgent ? 'urgent' : 'calm'}`, 'data-urgent': String(deadline.urgent) },
    label,
  );
}

const options = (map: Record<string, { nl: string; en: string }>): [string, string][] => [
  ['', tr('requests.any')],
  ...Object.keys(map).map((key): [string, string] => [key, textOf(map, key)]),
];

export async function requestsPage(main: HTMLElement, context: PageContext): Promise<void> {
  const status = messages();
  const result = await api<{ requests: OpenRequest[]; hidden?: number }>(
    '/admin/requests/list',
    filterBody(filter),
  );
  if (!context.isCurrent()) return;

  const fields: Record<keyof RequestFilter, Field> = {
    status: field({
      label: 'requests.status',
      name: 'status',
      options: options(statusTexts),
      value: filter.status,
    }),
    type: field({ label: 'requests.type', name: 'type', options: options(typeTexts), value: filter.type }),
    channel: field({
      label: 'requests.channel',
      name: 'channel',
      options: options(channelTexts),
      value: filter.channel,
    }),
    receivedFrom: field({
      label: 'requests.receivedFrom',
      name: 'receivedFrom',
      type: 'date',
      value: filter.receivedFrom,
    }),
    receivedTo: field({
      label: 'requests.receivedTo',
      name: 'receivedTo',
      type: 'date',
      value: filter.receivedTo,
    }),
    reference: field({ label: 'requests.reference', name: 'reference', value: filter.reference }),
    email: field({ label: 'requests.email', name: 'email', type: 'email', value: filter.email }),
    includeHidden: field({ label: 'requests.showHidden', name: 'includeHidden' }),
  };
  const hiddenBox = h('input', {
    type: 'checkbox',
    id: 'include-hidden',
    name: 'includeHidden',
    checked: filter.includeHidden,
  }) as HTMLInputElement;
  const form = h(
    'form',
    { class: 'filters', novalidate: true, 'aria-label': tr('requests.filters') },
    h(
      'div',
      { class: 'filter-grid' },
      fields.status.wrap,
      fields.type.wrap,
      fields.channel.wrap,
      fields.receivedFrom.wrap,
      fields.receivedTo.wrap,
      fields.reference.wrap,
      fields.email.wrap,
    ),
    h(
      'div',
      { class: 'checkbox' },
      hiddenBox,
      h('label', { for: 'include-hidden' }, tr('requests.showHidden')),
    ),
    h(
      'div',
      { class: 'button-row' },
      h('button', { type: 'submit', class: 'button', id: 'apply-filters' }, tr('requests.apply')),
      button(
        tr('requests.reset'),
        () => {
          filter = emptyFilter();
          void requestsPage(main, context);
        },
        { kind: 'secondary' },
      ),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    filter = {
      status: fields.status.control.value,
      type: fields.type.control.value,
      channel: fields.channel.control.value,
      receivedFrom: fields.receivedFrom.control.value,
      receivedTo: fields.receivedTo.control.value,
      reference: fields.reference.control.value.trim(),
      email: fields.email.control.value.trim(),
      includeHidden: hiddenBox.checked,
    };
    void requestsPage(main, context).then(() => document.getElementById('request-count')?.focus());
  });

  const list = h('div', { id: 'request-list' });
  let shown: OpenRequest[] = [];
  if (result.ok) {
    lastLoaded.clear();
    for (const request of result.data.requests) lastLoaded.set(request.reference, request);
    // A server that filters says how many it hid; otherwise the browser filters (email needs the server).
    const filtered = result.data.hidden !== undefined;
    shown = filtered ? result.data.requests : applyFilter(result.data.requests, filter);
    if (!filtered && filter.email) {
      status.problem(tr('common.notAvailable'));
      shown = [];
    }
    const groups = grouped(shown);
    list.append(
      h(
        'p',
        { id: 'request-count', tabindex: '-1', role: 'status' },
        `${formatNumber(shown.length)} ${tr('requests.count')}`,
      ),
      groups.length === 0
        ? h('p', {}, tr('requests.empty'))
        : h(
            'div',
            { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': tr('requests.title') },
            h(
              'table',
              { class: 'table requests' },
              h('caption', { class: 'visually-hidden' }, tr('requests.title')),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  [
                    tr('requests.reference'),
                    tr('requests.type'),
                    tr('requests.channel'),
                    tr('requests.status'),
                    tr('requests.received'),
                    tr('requests.due'),
                    tr('requests.daysLeft'),
                  ].map((label) => h('th', { scope: 'col' }, label)),
                ),
              ),
              h(
                'tbody',
                {},
                groups.flatMap(({ request, duplicates }) => [
                  row(request, false),
                  ...duplicates.map((duplicate) => row(duplicate, true)),
                ]),
              ),
            ),
          ),
    );
  } else status.problem(result.problem);

  const bulkHost = h('div', { class: 'confirm-host' });
  const bulk =
    can(context.role, 'bulkClose') && shown.length > 0
      ? section(tr('requests.bulkTitle'), bulkForm(shown, bulkHost, main, context), bulkHost)
      : null;

  mount(
    main,
    h('h1', {}, tr('requests.title')),
    status.root,
    form,
    result.ok && result.data.hidden === undefined
      ? h('p', { class: 'hint' }, tr('requests.serverFilterNote'))
      : null,
    list,
    bulk,
  );
}

function row(request: OpenRequest, duplicate: boolean): HTMLElement {
  const cell = (label: string, ...content: (Node | string | null)[]) =>
    h('td', { 'data-label': label }, ...content);
  return h(
    'tr',
    { class: duplicate ? 'duplicate' : undefined },
    cell(
      tr('requests.reference'),
      duplicate
        ? h(
            'span',
            { class: 'duplicate-mark' },
            `↳ ${tr('requests.duplicateOf')} ${request.linkedTo ?? ''}: `,
          )
        : null,
      h('a', { href: `#/requests/${encodeURIComponent(request.reference)}` }, request.reference),
    ),
    cell(tr('requests.type'), textOf(typeTexts, request.type)),
    cell(tr('requests.channel'), textOf(channelTexts, request.channel)),
    cell(tr('requests.status'), textOf(statusTexts, request.status)),
    cell(tr('requests.received'), formatDate(request.receivedAt)),
    cell(tr('requests.due'), formatDate(request.dueAt)),
    cell(tr('requests.daysLeft'), deadlineBadge(request)),
  );
}

function bulkForm(
  shown: OpenRequest[],
  host: HTMLElement,
  main: HTMLElement,
  context: PageContext,
): HTMLElement {
  const as = field({
    label: 'requests.bulkAs',
    name: 'as',
    options: [
      ['spam', tr('requests.bulkSpam')],
      ['duplicate', tr('requests.bulkDuplicate')],
    ],
  });
  const open = button(
    tr('requests.bulkButton'),
    () => {
      confirmStep(host, {
        intro: `${tr('requests.bulkConfirm')} ${formatNumber(shown.length)}`,
        extra: h('p', { class: 'bulk-references' }, shown.map((request) => request.reference).join(', ')),
        confirmLabel: `${tr('common.confirm')} (${formatNumber(shown.length)})`,
        danger: true,
        opener: open,
        onConfirm: async () => {
          // The server selects by the same filter again and closes nothing if the count changed meanwhile.
          const result = await api<{ closed: number; skipped: { reference: string }[] }>(
            '/admin/requests/bulk-close',
            { filter: filterBody(filter), as: as.control.value, expectedCount: shown.length },
          );
          const box = host.firstElementChild as HTMLElement | null;
          if (!result.ok) {
            if (box) confirmStatus.get(box)?.problem(result.problem);
            return;
          }
          await requestsPage(main, context);
          document
            .getElementById('request-count')
            ?.append(
              ` · ${tr('requests.bulkDone')} ${formatNumber(result.data.closed)}`,
              result.data.skipped.length > 0
                ? ` · ${tr('requests.bulkSkipped')} ${formatNumber(result.data.skipped.length)}`
                : '',
            );
        },
      });
    },
    { kind: 'danger', id: 'bulk-close' },
  );
  return h(
    'div',
    {},
    h('p', { class: 'hint', id: 'bulk-rules' }, tr('requests.bulkRules')),
    h('div', { class: 'inline-form' }, as.wrap, open),
  );
}

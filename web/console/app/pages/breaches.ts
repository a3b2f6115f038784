import {
  breachAffectedGroups,
  breachDataCategories,
  breachReportHours,
} from '../../../../shared/domain/breach-register.js';
import { policy } from '../../../../shared/domain/policy.js';
import { breachClock, can } from '../../logic.js';
import type { ConsoleTextKey } from '../../texts.js';
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { formatDate, formatNumber, pick, tr } from '../i18n.js';
import { field, messages, section, setFieldError, table, type Field } from '../ui.js';
import type { PageContext } from './index.js';

/** What POST /api/admin/breaches/list and /show answer (shared/services/staff/breaches.ts viewOfBreach). */
export interface BreachView {
  breachId: string;
  summary: string;
  occurredAt: string;
  discoveredAt: string;
  ongoing: boolean;
  endedAt?: string;
  nature: string[];
  description: string;
  cause: string;
  dataCategories: string[];
  approximateRecords: number;
  affectedGroups: string[];
  affectedMin: number;
  affectedMax: number;
  measuresBeforehand: string;
  dataWasEncrypted: boolean;
  likelyConsequences: string;
  followUp: string;
  recordedAt: string;
  recordedBy: string;
  version: number;
  decision?: {
    report: boolean;
    reason: string;
    highRisk: boolean;
    authorityReference?: string;
    decidedAt: string;
    decidedBy: string;
    withinDeadline: boolean;
  };
  licenseesNotifiedAt?: string;
  licenseesNotified?: number;
}

const hour = 3_600_000;

/**
 * The 72-hour clock (AVG art. 33(1)) as a badge: hours left, a warning in the last 24, overdue once passed;
 * once decided, whether that was on time. Computed from the browser's clock, so it moves while the page is open.
 */
export function clockBadge(
  breach: Pick<BreachView, 'discoveredAt' | 'decision'>,
  now = new Date(),
): HTMLElement {
  if (breach.decision) {
    const onTime = breach.decision.withinDeadline;
    return h(
      'span',
      { class: `badge ${onTime ? 'calm' : 'urgent'}`, 'data-clock': onTime ? 'decided' : 'decided-late' },
      tr(onTime ? 'breaches.decidedOnTime' : 'breaches.decidedLate'),
    );
  }
  const clock = breachClock(breach.discoveredAt, now);
  const text =
    clock.level === 'late'
      ? tr('breaches.overdue')
      : `${formatNumber(Math.floor(clock.hoursLeft))} ${tr('breaches.hoursLeft')}`;
  return h(
    'span',
    { class: `badge ${clock.level === 'ok' ? 'calm' : 'urgent'}`, 'data-clock': clock.level },
    text,
  );
}

/** Redraws a clock badge every minute while it is on the page. */
export function liveClock(breach: Pick<BreachView, 'discoveredAt' | 'decision'>): HTMLElement {
  const host = h('span', { class: 'breach-clock' }, clockBadge(breach));
  if (breach.decision) return host;
  const timer = setInterval(() => {
    if (!host.isConnected) clearInterval(timer);
    else host.replaceChildren(clockBadge(breach));
  }, 60_000);
  return host;
}

export async function breachesPage(main: HTMLElement, context: PageContext): Promise<void> {
  const status = messages();
  const result = await api<{ breaches: BreachView[] }>('/admin/breaches/list', {});
  if (!context.isCurrent()) return;
  if (!result.ok) status.problem(result.problem);
  const breaches = (result.ok ? result.data.breaches : []).sort((a, b) =>
    b.discoveredAt.localeCompare(a.discoveredAt),
  );
  mount(
    main,
    h('h1', {}, tr('breaches.title')),
    h('p', {}, tr('breaches.intro')),
    status.root,
    breaches.length
      ? table(
          [tr('breaches.summary'), tr('breaches.discovered'), tr('breaches.deadline'), tr('breaches.clock')],
          breaches.map((breach) => [
            h('a', { href: `#/breaches/${breach.breachId}` }, breach.summary),
            formatDate(breach.discoveredAt, true),
            formatDate(
              new Date(Date.parse(breach.discoveredAt) + breachReportHours * hour).toISOString(),
              true,
            ),
            liveClock(breach),
          ]),
          tr('breaches.title'),
        )
      : h('p', {}, tr('breaches.empty')),
    can(context.role, 'breaches') ? section(tr('breaches.new'), recordForm()) : null,
  );
}

/** `YYYY-MM-DDTHH:mm` in the browser's time zone, as a datetime-local input shows it. */
const localInput = (date: Date): string =>
  new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

const categoryLabel = (id: string): string => {
  const known = policy.dataCategories.find((category) => category.id === id);
  if (known) return pick(known);
  const extra: Record<string, ConsoleTextKey> = {
    'request-and-mail-texts': 'breaches.categoryRequestTexts',
    'budget-review-uploads': 'breaches.categoryBudgetUploads',
    'staff-accounts': 'breaches.categoryStaffAccounts',
  };
  return extra[id] ? tr(extra[id]) : id;
};

/** Nature (confidentiality, integrity, availability) and affected groups have a text each under `breaches.`. */
export const natureLabel = (nature: string): string => tr(`breaches.${nature}` as ConsoleTextKey);
export const groupLabel = (group: string): string => tr(`breaches.${group}` as ConsoleTextKey);
export { categoryLabel };

/** A fieldset of checkboxes; `checked()` answers the values ticked. */
function checkboxes(
  name: string,
  legend: ConsoleTextKey,
  values: readonly string[],
  label: (value: string) => string,
): { wrap: HTMLElement; checked(): string[]; error: HTMLElement } {
  const boxes = values.map((value) => {
    const id = `${name}-${value}`;
    const input = h('input', { type: 'checkbox', id, name, value }) as HTMLInputElement;
    return { input, wrap: h('div', { class: 'checkbox' }, input, h('label', { for: id }, label(value))) };
  });
  const error = h('p', { class: 'field-error', hidden: true });
  return {
    wrap: h(
      'fieldset',
      { class: 'field', id: `${name}-set` },
      h('legend', {}, tr(legend)),
      error,
      ...boxes.map((b) => b.wrap),
    ),
    checked: () => boxes.filter((box) => box.input.checked).map((box) => box.input.value),
    error,
  };
}

function checkbox(name: string, label: ConsoleTextKey): { wrap: HTMLElement; input: HTMLInputElement } {
  const input = h('input', { type: 'checkbox', id: `breach-${name}`, name }) as HTMLInputElement;
  return {
    input,
    wrap: h('div', { class: 'checkbox' }, input, h('label', { for: `breach-${name}` }, tr(label))),
  };
}

/** The AP notification form's questions (shared/domain/breach.ts breachFieldsSchema), in its order. */
function recordForm(): HTMLElement {
  const status = messages();
  const now = new Date();
  const text = (name: string, label: ConsoleTextKey, textarea = true, hint?: ConsoleTextKey) =>
    field({ name, label, textarea, hint });
  const fields: Record<string, Field> = {
    summary: text('summary', 'breaches.summary', false),
    occurredAt: field({
      name: 'occurredAt',
      label: 'breaches.occurredAt',
      type: 'datetime-local',
      value: localInput(now),
    }),
    discoveredAt: field({
      name: 'discoveredAt',
      label: 'breaches.discoveredAt',
      type: 'datetime-local',
      value: localInput(now),
      hint: 'breaches.discoveredHint',
    }),
    endedAt: field({ name: 'endedAt', label: 'breaches.endedAt', type: 'datetime-local' }),
    description: text('description', 'breaches.description'),
    cause: text('cause', 'breaches.cause'),
    approximateRecords: field({
      name: 'approximateRecords',
      label: 'breaches.approximateRecords',
      type: 'number',
      min: 0,
      value: '0',
    }),
    affectedMin: field({
      name: 'affectedMin',
      label: 'breaches.affectedMin',
      type: 'number',
      min: 0,
      value: '0',
    }),
    affectedMax: field({
      name: 'affectedMax',
      label: 'breaches.affectedMax',
      type: 'number',
      min: 0,
      value: '0',
    }),
    measuresBeforehand: text('measuresBeforehand', 'breaches.measuresBeforehand'),
    likelyConsequences: text('likelyConsequences', 'breaches.likelyConsequences'),
    followUp: text('followUp', 'breaches.followUp'),
  };
  const ongoing = checkbox('ongoing', 'breaches.ongoing');
  const encrypted = checkbox('dataWasEncrypted', 'breaches.dataWasEncrypted');
  const nature = checkboxes(
    'nature',
    'breaches.nature',
    ['confidentiality', 'integrity', 'availability'],
    natureLabel,
  );
  const categories = checkboxes(
    'dataCategories',
    'breaches.dataCategories',
    breachDataCategories,
    categoryLabel,
  );
  const groups = checkboxes('affectedGroups', 'breaches.affectedGroups', breachAffectedGroups, groupLabel);
  const sets: Record<string, ReturnType<typeof checkboxes>> = {
    nature,
    dataCategories: categories,
    affectedGroups: groups,
  };
  const form = h(
    'form',
    { novalidate: true, id: 'breach-form' },
    status.root,
    fields.summary!.wrap,
    h(
      'fieldset',
      { class: 'field' },
      h('legend', {}, tr('breaches.timeline')),
      fields.occurredAt!.wrap,
      fields.discoveredAt!.wrap,
      ongoing.wrap,
      fields.endedAt!.wrap,
    ),
    nature.wrap,
    fields.description!.wrap,
    fields.cause!.wrap,
    categories.wrap,
    fields.approximateRecords!.wrap,
    groups.wrap,
    fields.affectedMin!.wrap,
    fields.affectedMax!.wrap,
    fields.measuresBeforehand!.wrap,
    encrypted.wrap,
    fields.likelyConsequences!.wrap,
    fields.followUp!.wrap,
    h('button', { type: 'submit', class: 'button', id: 'record-breach' }, tr('breaches.record')),
  );
  const iso = (target: Field) => {
    const value = target.control.value;
    const date = value ? new Date(value) : undefined;
    return date && !Number.isNaN(date.getTime()) ? date.toISOString() : value;
  };
  const count = (target: Field) => (target.control.value === '' ? Number.NaN : Number(target.control.value));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    for (const target of Object.values(fields)) setFieldError(target, undefined);
    for (const set of Object.values(sets)) set.error.hidden = true;
    const body = {
      summary: fields.summary!.control.value.trim(),
      occurredAt: iso(fields.occurredAt!),
      discoveredAt: iso(fields.discoveredAt!),
      ongoing: ongoing.input.checked,
      ...(fields.endedAt!.control.value ? { endedAt: iso(fields.endedAt!) } : {}),
      nature: nature.checked(),
      description: fields.description!.control.value.trim(),
      cause: fields.cause!.control.value.trim(),
      dataCategories: categories.checked(),
      approximateRecords: count(fields.approximateRecords!),
      affectedGroups: groups.checked(),
      affectedMin: count(fields.affectedMin!),
      affectedMax: count(fields.affectedMax!),
      measuresBeforehand: fields.measuresBeforehand!.control.value.trim(),
      dataWasEncrypted: encrypted.input.checked,
      likelyConsequences: fields.likelyConsequences!.control.value.trim(),
      followUp: fields.followUp!.control.value.trim(),
    };
    void api<BreachView>('/admin/breaches/record', body).then((result) => {
      if (result.ok) {
        window.location.hash = `#/breaches/${result.data.breachId}`;
        return;
      }
      // Each refused field says so beside itself; the summary above lists them all.
      for (const error of result.problem.errors) {
        const target = fields[error.field];
        if (target) setFieldError(target, pick(error.message));
        const set = sets[error.field];
        if (set) {
          set.error.hidden = false;
          set.error.textContent = pick(error.message);
        }
      }
      status.problem(result.problem);
    });
  });
  return form;
}

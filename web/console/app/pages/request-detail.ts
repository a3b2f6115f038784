import { addMonths } from '../../../../shared/domain/dates.js';
import { policy } from '../../../../shared/domain/policy.js';
import { staffRequestMailsIn } from '../../../../shared/services/staff/request-mails.js';
import { can } from '../../logic.js';

/** The console shows both texts of a decision mail; the licensee receives the one in their language. */
const previewMails = staffRequestMailsIn('nl+en');
import { actionTexts, channelTexts, statusTexts, typeTexts } from '../../texts.js';
import { api, type AuditEvent } from '../api.js';
import { h, mount } from '../dom.js';
import { formatDate, tr } from '../i18n.js';
import {
  button,
  confirmStatus,
  confirmStep,
  definitionList,
  field,
  messages,
  section,
  textOf,
  type Field,
} from '../ui.js';
import type { PageContext } from './index.js';
import { deadlineBadge, lastLoaded, type OpenRequest } from './requests.js';

/** What POST /api/admin/requests/show answers (the text only after the audited read). */
interface ShownRequest {
  requestId: string;
  reference: string;
  type: string;
  channel: string;
  status: string;
  receivedAt: string;
  dueAt: string;
  history: { at: string; status: string }[];
  linkedTo?: string;
  licenseeId: string;
  extendedMonths: number;
  patientDataWithheld: boolean;
  message: { subject?: string; body?: string } | string | null;
}

interface Note {
  at: string;
  by: string;
  text: string;
}

/** The address stands for itself in a preview: staff see the mail's words, not the licensee's address. */
const previewTo = '';
const actionable = ['open', 'awaiting-staff-approval'];
const minimumText = 10;

function textOfMessage(message: ShownRequest['message']): string {
  if (!message) return '';
  if (typeof message === 'string') return message;
  return [message.subject, message.body].filter(Boolean).join('\n\n');
}

export async function requestDetailPage(
  main: HTMLElement,
  context: PageContext,
  flash?: string,
): Promise<void> {
  const reference = context.id ?? '';
  const status = messages();
  if (!lastLoaded.has(reference)) {
    // Opened directly (a link, a reload): the list holds the request's facts without its text.
    const list = await api<{ requests: OpenRequest[] }>('/admin/requests/list', { reference });
    if (list.ok) for (const request of list.data.requests) lastLoaded.set(request.reference, request);
  }
  const known: OpenRequest | undefined = lastLoaded.get(reference);
  // The request without its text (requests/detail): no personal value is decrypted, so no read is audited.
  const detail = await api<
    ShownRequest & {
      timeline: {
        at: string;
        action: string;
        actor: { kind: string; username?: string };
        details: AuditEvent['details'];
      }[];
    }
  >('/admin/requests/detail', { reference });
  if (!context.isCurrent()) return;
  const timeline = detail.ok
    ? {
        ok: true as const,
        data: {
          request: detail.data,
          events: detail.data.timeline.map((entry) => ({
            ...entry,
            actor: { kind: entry.actor.kind, id: entry.actor.username ?? entry.actor.kind },
          })),
          notes: [] as Note[],
        },
      }
    : { ok: false as const };
  let facts:
    | (Omit<ShownRequest, 'message' | 'patientDataWithheld' | 'requestId' | 'history'> & {
        history?: ShownRequest['history'];
      })
    | undefined =
    timeline.ok && timeline.data.request
      ? timeline.data.request
      : known
        ? { ...known, extendedMonths: 0 }
        : undefined;
  let events: AuditEvent[] = timeline.ok ? timeline.data.events : [];
  const notes: Note[] = [];
  if (!timeline.ok && known) {
    // Until the server has a timeline route: the licensee's audit events about this request.
    const audit = await api<{ events: AuditEvent[] }>('/admin/audit', { licenseeId: known.licenseeId });
    if (audit.ok) events = eventsOfRequest(audit.data.events, known);
  }
  if (!context.isCurrent()) return;

  const textHost = h('div', { id: 'request-text' });
  const timelineHost = h('ol', { class: 'timeline', id: 'timeline' });
  const actionHost = h('div', { id: 'request-actions' });

  const drawTimeline = (history?: ShownRequest['history']): void => {
    const items =
      events.length > 0
        ? events.map((event) => ({
            at: event.at,
            label: `${textOf(actionTexts, event.action)}${event.actor.kind === 'staff' ? ` · ${event.actor.username ?? event.actor.id}` : ''}`,
          }))
        : (history ?? []).map((entry) => ({ at: entry.at, label: textOf(statusTexts, entry.status) }));
    timelineHost.replaceChildren(
      ...items
        .sort((a, b) => a.at.localeCompare(b.at))
        .map((item) =>
          h('li', {}, h('time', { datetime: item.at }, formatDate(item.at, true)), ' ', item.label),
        ),
    );
    if (items.length === 0) timelineHost.append(h('li', {}, tr('common.none')));
  };

  const drawFacts = (): HTMLElement =>
    facts
      ? definitionList([
          [tr('requests.reference'), facts.reference],
          [tr('requests.type'), textOf(typeTexts, facts.type)],
          [tr('requests.channel'), textOf(channelTexts, facts.channel)],
          [tr('requests.status'), textOf(statusTexts, facts.status)],
          [tr('requests.received'), formatDate(facts.receivedAt, true)],
          [tr('requests.due'), formatDate(facts.dueAt)],
          [tr('requests.daysLeft'), deadlineBadge(facts)],
          [tr('request.extendedMonths'), String(facts.extendedMonths)],
          ...(facts.linkedTo
            ? [
                [
                  tr('requests.duplicateOf'),
                  h('a', { href: `#/requests/${encodeURIComponent(facts.linkedTo)}` }, facts.linkedTo),
                ] as [string, Node],
              ]
            : []),
        ])
      : h('p', {}, tr('request.notOpen'));
  const factsHost = h('div', {}, drawFacts());

  // The audited "toon": only a handler or admin may read the text.
  if (can(context.role, 'revealPersonalData')) {
    const show = button(
      tr('request.show'),
      () => {
        show.disabled = true;
        void showText(reference).then((shown) => {
          show.disabled = false;
          if (!shown.ok) {
            status.problem(shown.problem);
            return;
          }
          if (shown.data.receivedAt) {
            facts = shown.data as unknown as ShownRequest;
            factsHost.replaceChildren(drawFacts());
          }
          if (events.length === 0) drawTimeline(shown.data.history);
          if (shown.data.notes) notesHost.replaceChildren(...noteItems(shown.data.notes));
          const text = textOfMessage(shown.data.message);
          textHost.replaceChildren(
            shown.data.patientDataWithheld
              ? h('p', { class: 'notice' }, tr('request.patientDataWithheld'))
              : text
                ? h('pre', { class: 'request-text', tabindex: '0', 'aria-label': tr('request.text') }, text)
                : h('p', {}, tr('request.noText')),
          );
          drawActions();
          (textHost.firstElementChild as HTMLElement | null)?.focus();
        });
      },
      { kind: 'secondary', id: 'show-text' },
    );
    textHost.append(h('p', { class: 'hint' }, tr('request.showNote')), show);
  }

  const drawActions = (): void => {
    actionHost.replaceChildren();
    if (!facts || !can(context.role, 'actOnRequests')) return;
    if (!actionable.includes(facts.status)) {
      actionHost.append(h('p', {}, tr('request.noActions')));
      return;
    }
    const current = facts;
    // The open list no longer holds a finished request: keep what the action answered.
    const done = (view?: unknown): Promise<void> => {
      const before = lastLoaded.get(reference);
      if (before && typeof view === 'object' && view !== null)
        lastLoaded.set(reference, { ...before, ...(view as Partial<OpenRequest>) });
      return requestDetailPage(main, context, tr('common.done'));
    };
    const remaining = policy.requests.maxExtensionMonths - current.extendedMonths;
    if (remaining > 0) actionHost.append(extendAction(current, remaining, done));
    if (current.type !== 'deletion') actionHost.append(answerAction(current, done));
    actionHost.append(rejectAction(current, done));
    if (current.type === 'deletion' && current.status === 'awaiting-staff-approval')
      actionHost.append(approveAction(current, done));
  };
  drawTimeline(facts?.history);
  drawActions();

  const notesHost = h('ul', { class: 'notes', id: 'notes' }, ...noteItems(notes));
  const notesPart = notesSection(reference, notesHost, context);
  mount(
    main,
    h('p', { class: 'crumb' }, h('a', { href: '#/requests' }, `← ${tr('nav.requests')}`)),
    h('h1', {}, `${tr('request.title')} ${reference}`),
    status.root,
    h(
      'div',
      { class: 'detail-grid' },
      section(tr('request.facts'), factsHost),
      section(tr('request.timeline'), timelineHost),
    ),
    can(context.role, 'revealPersonalData') ? section(tr('request.text'), textHost) : null,
    notesPart,
    can(context.role, 'actOnRequests') ? section(tr('request.actions'), actionHost) : null,
  );
  if (flash) status.ok(flash);
}

/**
 * The request's own events among the licensee's: its `received` event is the one of its type written when
 * it arrived; every later event names the same subject.
 */
function eventsOfRequest(events: AuditEvent[], request: OpenRequest): AuditEvent[] {
  const arrival = events
    .filter((event) => event.action === 'privacy-request.received' && event.details.type === request.type)
    .sort(
      (a, b) =>
        Math.abs(Date.parse(a.at) - Date.parse(request.receivedAt)) -
        Math.abs(Date.parse(b.at) - Date.parse(request.receivedAt)),
    )[0];
  return events.filter(
    (event) =>
      (arrival?.subjectId !== undefined && event.subjectId === arrival.subjectId) ||
      event.details.reference === request.reference,
  );
}

/** The audited "toon": requests/show-text (text and notes), or requests/show on a server without it. */
async function showText(reference: string) {
  type Shown = Partial<ShownRequest> &
    Pick<ShownRequest, 'message' | 'patientDataWithheld'> & { notes?: Note[] };
  const shown = await api<Shown>('/admin/requests/show-text', { reference });
  if (shown.ok || shown.problem.code !== 'not-available') return shown;
  return api<Shown>('/admin/requests/show', { reference });
}

function noteItems(notes: Note[]): HTMLElement[] {
  if (notes.length === 0) return [h('li', { class: 'no-notes' }, tr('common.none'))];
  return notes.map((note) =>
    h(
      'li',
      {},
      h('p', { class: 'note-meta' }, `${formatDate(note.at, true)} · ${note.by}`),
      h('p', {}, note.text),
    ),
  );
}

function notesSection(reference: string, list: HTMLElement, context: PageContext): HTMLElement | null {
  if (!can(context.role, 'actOnRequests')) return null;
  const text = field({ label: 'request.noteText', name: 'note', textarea: true });
  const status = messages();
  const form = h(
    'form',
    { novalidate: true },
    status.root,
    text.wrap,
    h('button', { type: 'submit', class: 'button secondary', id: 'add-note' }, tr('request.addNote')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = text.control.value.trim();
    if (!value) return;
    void api<{ at: string }>('/admin/requests/note', { reference, note: value }).then((result) => {
      if (!result.ok) {
        status.problem(result.problem);
        return;
      }
      list.querySelector('.no-notes')?.remove();
      list.append(...noteItems([{ at: result.data.at, by: context.username, text: value }]));
      text.control.value = '';
      status.ok(tr('common.done'));
    });
  });
  return section(tr('request.notes'), list, form);
}

type Facts = { reference: string; dueAt: string; type: string; status: string; extendedMonths: number };

/** One action: its fields, a "Review…" button that opens the confirmation step with the exact mail. */
function action(
  title: string,
  id: string,
  fields: Field[],
  review: (opener: HTMLElement, host: HTMLElement) => boolean,
): HTMLElement {
  const host = h('div', { class: 'confirm-host' });
  const open = button(
    tr('request.previewButton'),
    () => {
      if (review(open, host)) return;
    },
    { kind: 'secondary', id: `${id}-review` },
  );
  return h('div', { class: 'action', id }, h('h3', {}, title), ...fields.map((f) => f.wrap), open, host);
}

const needsText = (target: Field): string | undefined => {
  const value = target.control.value.trim();
  return value.length < minimumText ? tr('request.tooShort') : undefined;
};

function failInside(host: HTMLElement, problem: Parameters<ReturnType<typeof messages>['problem']>[0]): void {
  const box = host.firstElementChild as HTMLElement | null;
  if (box) confirmStatus.get(box)?.problem(problem);
}

function checkText(target: Field): boolean {
  const problem = needsText(target);
  target.error.hidden = !problem;
  target.error.textContent = problem ?? '';
  if (problem) {
    target.control.setAttribute('aria-invalid', 'true');
    target.control.setAttribute('aria-describedby', target.error.id);
    target.control.focus();
  } else target.control.removeAttribute('aria-invalid');
  return !problem;
}

function extendAction(
  request: Facts,
  remaining: number,
  done: (view?: unknown) => Promise<void>,
): HTMLElement {
  const months = field({
    label: 'request.extendMonths',
    name: 'months',
    hint: 'request.extendHint',
    options: Array.from({ length: remaining }, (_, i): [string, string] => [String(i + 1), String(i + 1)]),
  });
  const reason = field({ label: 'request.extendReason', name: 'reason', textarea: true });
  return action(tr('request.extend'), 'extend', [months, reason], (opener, host) => {
    if (!checkText(reason)) return true;
    const count = Number(months.control.value);
    const dueAt = addMonths(new Date(request.dueAt), count).toISOString();
    confirmStep(host, {
      intro: tr('request.extendConfirm'),
      preview: previewMails.extended(previewTo, request.reference, dueAt, reason.control.value.trim()),
      confirmLabel: tr('request.extend'),
      opener,
      onConfirm: async () => {
        const result = await api('/admin/requests/extend', {
          reference: request.reference,
          months: count,
          reason: reason.control.value.trim(),
        });
        if (result.ok) await done(result.data);
        else failInside(host, result.problem);
      },
    });
    return false;
  });
}

function answerAction(request: Facts, done: (view?: unknown) => Promise<void>): HTMLElement {
  const response = field({ label: 'request.answerText', name: 'response', textarea: true });
  return action(tr('request.answer'), 'answer', [response], (opener, host) => {
    if (!checkText(response)) return true;
    confirmStep(host, {
      intro: tr('request.answerConfirm'),
      preview: previewMails.answered(previewTo, request.reference, response.control.value.trim()),
      confirmLabel: tr('request.answer'),
      opener,
      onConfirm: async () => {
        const result = await api('/admin/requests/close', {
          reference: request.reference,
          response: response.control.value.trim(),
        });
        if (result.ok) await done(result.data);
        else failInside(host, result.problem);
      },
    });
    return false;
  });
}

function rejectAction(request: Facts, done: (view?: unknown) => Promise<void>): HTMLElement {
  const reason = field({ label: 'request.rejectReason', name: 'reason', textarea: true });
  return action(tr('request.reject'), 'reject', [reason], (opener, host) => {
    if (!checkText(reason)) return true;
    void (async () => {
      const text = reason.control.value.trim();
      // The server's rendering of the mail when it has one; else the same template the server uses.
      const preview = await api<{ subject: string; text: string }>('/admin/requests/reject-preview', {
        reference: request.reference,
        reason: text,
      });
      confirmStep(host, {
        intro: tr('request.rejectConfirm'),
        preview: preview.ok ? preview.data : previewMails.refused(previewTo, request.reference, text),
        extra: h('p', { class: 'hint' }, tr('request.rightToComplain')),
        confirmLabel: tr('request.reject'),
        danger: true,
        opener,
        onConfirm: async () => {
          const result = await api('/admin/requests/reject', { reference: request.reference, reason: text });
          if (result.ok) await done(result.data);
          else failInside(host, result.problem);
        },
      });
    })();
    return false;
  });
}

function approveAction(request: Facts, done: (view?: unknown) => Promise<void>): HTMLElement {
  const intro = h('p', {}, tr('request.approveIntro'));
  const host = h('div', { class: 'confirm-host' });
  const open = button(
    tr('request.approve'),
    () => {
      confirmStep(host, {
        intro: tr('request.approveConfirm'),
        preview: previewMails.deleted(previewTo, request.reference),
        confirmLabel: tr('request.approve'),
        danger: true,
        opener: open,
        onConfirm: async () => {
          const result = await api('/admin/requests/approve-deletion', { reference: request.reference });
          if (result.ok) await done(result.data);
          else failInside(host, result.problem);
        },
      });
    },
    { kind: 'danger', id: 'approve-review' },
  );
  return h('div', { class: 'action', id: 'approve' }, h('h3', {}, tr('request.approve')), intro, open, host);
}

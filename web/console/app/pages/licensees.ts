import { policy } from '../../../../shared/domain/policy.js';
import { can } from '../../logic.js';
import { actionTexts, actorTexts, basisTexts, holdReasonTexts } from '../../texts.js';
import { api, type AuditEvent } from '../api.js';
import { h, mount } from '../dom.js';
import { formatDate, pick, tr } from '../i18n.js';
import {
  button,
  confirmStatus,
  confirmStep,
  definitionList,
  field,
  messages,
  section,
  table,
  textOf,
} from '../ui.js';
import type { PageContext } from './index.js';

interface ProfileView {
  licenseeId: string;
  status: string;
  personalData: Record<string, unknown>;
  marketingOptOut: boolean;
  licence: { startedAt: string | null; endedAt: string | null };
}

const ulid = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export async function licenseesPage(main: HTMLElement, context: PageContext): Promise<void> {
  if (context.id) return licenseeDetail(main, context, context.id);
  const status = messages();
  const id = field({ label: 'licensees.byId', name: 'licenseeId' });
  const email = field({ label: 'licensees.byEmail', name: 'email', type: 'email' });
  const form = h(
    'form',
    { novalidate: true, class: 'inline-form', role: 'search' },
    id.wrap,
    email.wrap,
    h('button', { type: 'submit', class: 'button', id: 'find-licensee' }, tr('licensees.findButton')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = id.control.value.trim().toUpperCase();
    if (typed) {
      if (!ulid.test(typed)) status.problem(tr('licensees.notFound'));
      else window.location.hash = `#/licensees/${typed}`;
      return;
    }
    const address = email.control.value.trim();
    if (!address) return;
    // The address goes in the body; the server looks it up through the blind index.
    void api<{ licensees: { licenseeId: string }[] }>('/admin/licensees/find', { email: address }).then(
      (result) => {
        const found = result.ok ? result.data.licensees[0] : undefined;
        if (found) window.location.hash = `#/licensees/${found.licenseeId}`;
        else if (result.ok) status.problem(tr('licensees.notFound'));
        else
          status.problem(
            result.problem.status === 404 && result.problem.code !== 'not-available'
              ? tr('licensees.notFound')
              : result.problem,
          );
      },
    );
  });
  main.replaceChildren(h('h1', {}, tr('licensees.title')), status.root, section(tr('licensees.find'), form));
}

async function licenseeDetail(main: HTMLElement, context: PageContext, licenseeId: string): Promise<void> {
  const status = messages();
  const audit = await api<{ events: AuditEvent[] }>('/admin/audit', { licenseeId });
  if (!context.isCurrent()) return;
  const events = audit.ok ? audit.data.events : [];
  if (!audit.ok) status.problem(audit.problem);
  const reload = async (): Promise<void> => {
    await licenseeDetail(main, context, licenseeId);
    document
      .querySelector<HTMLElement>('#main .messages [role="status"]')
      ?.replaceChildren(tr('common.done'));
  };

  const profileHost = h('div', { id: 'profile' });
  if (can(context.role, 'revealPersonalData')) {
    const reveal = button(
      tr('licensees.reveal'),
      () => {
        void api<ProfileView>('/admin/licensees/show', { licenseeId }).then((result) => {
          if (!result.ok) {
            status.problem(result.problem);
            return;
          }
          const view = result.data;
          const personal = Object.entries(view.personalData).map(([key, value]): [string, string] => [
            key,
            typeof value === 'object' && value !== null
              ? Object.values(value).filter(Boolean).join(' ')
              : String(value),
          ]);
          profileHost.replaceChildren(
            definitionList([
              [tr('licensees.status'), view.status],
              [tr('licensees.licenceStarted'), formatDate(view.licence.startedAt)],
              [tr('licensees.licenceEnded'), formatDate(view.licence.endedAt)],
              [tr('licensees.marketingOptOut'), view.marketingOptOut ? tr('common.yes') : tr('common.no')],
              ...personal,
            ]),
          );
          profileHost.setAttribute('tabindex', '-1');
          profileHost.focus();
        });
      },
      { kind: 'secondary', id: 'reveal' },
    );
    profileHost.append(h('p', { class: 'hint' }, tr('licensees.revealNote')), reveal);
  }

  const disclosures = events.filter((event) => event.action === 'disclosure.recorded');
  const reviews = new Map<string, AuditEvent[]>();
  for (const event of events.filter((e) => e.action.startsWith('budget-review.') && e.subjectId)) {
    reviews.set(event.subjectId ?? '', [...(reviews.get(event.subjectId ?? '') ?? []), event]);
  }

  mount(
    main,
    h('p', { class: 'crumb' }, h('a', { href: '#/licensees' }, `← ${tr('nav.licensees')}`)),
    h('h1', {}, `${tr('request.licensee')} ${licenseeId}`),
    status.root,
    can(context.role, 'revealPersonalData') ? section(tr('licensees.reveal'), profileHost) : null,
    can(context.role, 'endLicence')
      ? section(tr('licensees.endLicence'), endLicence(licenseeId, reload))
      : null,
    can(context.role, 'holds') ? section(tr('licensees.holds'), holds(licenseeId, reload)) : null,
    section(
      tr('licensees.disclosures'),
      disclosures.length
        ? table(
            [tr('licensees.date'), tr('licensees.basis'), tr('licensees.categories')],
            disclosures.map((event) => [
              formatDate(event.at),
              textOf(basisTexts, String(event.details.basis)),
              String(event.details.categories ?? ''),
            ]),
            tr('licensees.disclosures'),
          )
        : h('p', {}, tr('common.none')),
      can(context.role, 'disclosures') ? disclosureForm(licenseeId, reload) : null,
    ),
    can(context.role, 'budgetReviews')
      ? section(tr('licensees.budgetReviews'), budgetReviews(licenseeId, reviews, reload))
      : null,
    section(
      tr('licensees.audit'),
      table(
        [tr('licensees.when'), tr('licensees.what'), tr('licensees.who')],
        events.map((event) => [
          formatDate(event.at, true),
          textOf(actionTexts, event.action),
          event.actor.kind === 'staff'
            ? (event.actor.username ?? event.actor.id)
            : textOf(actorTexts, event.actor.kind),
        ]),
        tr('licensees.audit'),
      ),
    ),
  );
}

function endLicence(licenseeId: string, reload: () => Promise<void>): HTMLElement {
  const host = h('div', { class: 'confirm-host' });
  const open = button(
    tr('licensees.endLicence'),
    () =>
      confirmStep(host, {
        intro: tr('licensees.endConfirm'),
        confirmLabel: tr('licensees.endLicence'),
        danger: true,
        opener: open,
        onConfirm: async () => {
          const result = await api('/admin/licences/end', { licenseeId });
          if (result.ok) await reload();
          else confirmStatus.get(host.firstElementChild as HTMLElement)?.problem(result.problem);
        },
      }),
    { kind: 'danger', id: 'end-licence' },
  );
  return h('div', {}, open, host);
}

function holds(licenseeId: string, reload: () => Promise<void>): HTMLElement {
  const status = messages();
  const reason = field({
    label: 'licensees.holdReason',
    name: 'reason',
    options: policy.retention.legalHoldReasons.map((r): [string, string] => [r, textOf(holdReasonTexts, r)]),
  });
  const caseReference = field({ label: 'licensees.holdCase', name: 'caseReference' });
  const until = field({ label: 'licensees.holdUntil', name: 'until', type: 'date' });
  const form = h(
    'form',
    { novalidate: true },
    status.root,
    reason.wrap,
    caseReference.wrap,
    until.wrap,
    h(
      'div',
      { class: 'button-row' },
      h('button', { type: 'submit', class: 'button', id: 'place-hold' }, tr('licensees.placeHold')),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void api('/admin/holds/place', {
      licenseeId,
      reason: reason.control.value,
      caseReference: caseReference.control.value.trim(),
      until: until.control.value,
    }).then((result) => (result.ok ? reload() : status.problem(result.problem)));
  });
  const lift = button(
    tr('licensees.liftHold'),
    () => {
      void api('/admin/holds/lift', { licenseeId }).then((result) =>
        result.ok ? reload() : status.problem(result.problem),
      );
    },
    { kind: 'secondary', id: 'lift-hold' },
  );
  return h('div', {}, form, h('div', { class: 'button-row' }, lift));
}

function disclosureForm(licenseeId: string, reload: () => Promise<void>): HTMLElement {
  const status = messages();
  const recipient = field({ label: 'licensees.recipient', name: 'recipient' });
  // Statement §4: only these three bases exist; the select offers nothing else.
  const basis = field({
    label: 'licensees.basis',
    name: 'basis',
    options: policy.disclosureBases.map((b): [string, string] => [b, textOf(basisTexts, b)]),
  });
  const reference = field({ label: 'licensees.reference', name: 'reference' });
  const boxes = policy.dataCategories.map((category) => {
    const id = `category-${category.id}`;
    const input = h('input', {
      type: 'checkbox',
      id,
      name: 'categories',
      value: category.id,
    }) as HTMLInputElement;
    return { input, wrap: h('div', { class: 'checkbox' }, input, h('label', { for: id }, pick(category))) };
  });
  const categories = h(
    'fieldset',
    { class: 'field' },
    h('legend', {}, tr('licensees.categories')),
    ...boxes.map((box) => box.wrap),
  );
  const form = h(
    'form',
    { novalidate: true, id: 'disclosure-form' },
    h('h3', {}, tr('licensees.recordDisclosure')),
    status.root,
    recipient.wrap,
    basis.wrap,
    categories,
    reference.wrap,
    h(
      'button',
      { type: 'submit', class: 'button', id: 'record-disclosure' },
      tr('licensees.recordDisclosure'),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void api('/admin/disclosures/record', {
      licenseeId,
      recipient: recipient.control.value.trim(),
      basis: basis.control.value,
      categories: boxes.filter((box) => box.input.checked).map((box) => box.input.value),
      reference: reference.control.value.trim(),
    }).then((result) => (result.ok ? reload() : status.problem(result.problem)));
  });
  return form;
}

function budgetReviews(
  licenseeId: string,
  reviews: Map<string, AuditEvent[]>,
  reload: () => Promise<void>,
): HTMLElement {
  const status = messages();
  const reason = field({ label: 'licensees.budgetReason', name: 'reason' });
  const ask = h(
    'form',
    { novalidate: true },
    reason.wrap,
    h(
      'button',
      { type: 'submit', class: 'button secondary', id: 'ask-budget-review' },
      tr('licensees.askBudget'),
    ),
  );
  ask.addEventListener('submit', (event) => {
    event.preventDefault();
    void api('/admin/budget-reviews/request', { licenseeId, reason: reason.control.value.trim() }).then(
      (result) => (result.ok ? reload() : status.problem(result.problem)),
    );
  });
  const uploadHost = h('div', { id: 'upload' });
  const rows = [...reviews.entries()].map(([reviewId, history]) => {
    const read = button(
      tr('licensees.readUpload'),
      () => {
        void api<{ url: string; expiresAt: string; contentType: string; bytes: number }>(
          '/admin/budget-reviews/read',
          { licenseeId, reviewId },
        ).then((result) => {
          if (!result.ok) return status.problem(result.problem);
          // A presigned S3 link, valid for a minute (the read is already audited); S3 sends it as an attachment.
          uploadHost.replaceChildren(
            h(
              'a',
              { href: result.data.url, rel: 'noreferrer', class: 'button secondary' },
              `${tr('licensees.readUpload')} (${result.data.contentType}, ${result.data.bytes} B)`,
            ),
          );
        });
      },
      { kind: 'link' },
    );
    const close = button(
      tr('licensees.closeReview'),
      () => {
        void api('/admin/budget-reviews/close', { licenseeId, reviewId }).then((result) =>
          result.ok ? reload() : status.problem(result.problem),
        );
      },
      { kind: 'link' },
    );
    return [
      reviewId,
      history.map((e) => e.action.replace('budget-review.', '')).join(', '),
      h('span', { class: 'button-row' }, read, close),
    ];
  });
  return h(
    'div',
    {},
    status.root,
    rows.length
      ? table(
          [tr('licensees.reviewId'), tr('requests.status'), tr('request.actions')],
          rows,
          tr('licensees.budgetReviews'),
        )
      : h('p', {}, tr('common.none')),
    uploadHost,
    h('p', { class: 'hint' }, tr('licensees.readNote')),
    ask,
  );
}

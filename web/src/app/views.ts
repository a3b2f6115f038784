import { addressLines } from '../../../shared/domain/address.js';
import { addDays } from '../../../shared/domain/dates.js';
import { policy } from '../../../shared/domain/policy.js';
import { formatIban } from '../problem.js';
import {
  budgetReviewStatusTexts,
  disclosureBasisTexts,
  fieldId,
  legalBasisTexts,
  licenceStatusTexts,
  requestStatusTexts,
  requestTypeTexts,
  type Text,
  type TextKey,
} from '../texts.js';
import { h, tk, tp } from './dom.js';
import { datePair } from './i18n.js';
import { uploadAccept } from '../upload.js';
import type { Address, BudgetReviewView, LicenseeExport, ProfileView, RequestView } from './types.js';

const lookup = (table: Record<string, Text>, id: string): Text => table[id] ?? { nl: id, en: id };

/** A name–value row of a description list. */
function row(label: TextKey | Text, ...value: (Node | string | null)[]): HTMLElement[] {
  return [typeof label === 'string' ? tk(label, 'dt') : tp(label, 'dt'), h('dd', {}, ...value)];
}

/** As on an envelope, the country by its name in the visitor's language. */
function addressBlock(address: Address): HTMLElement {
  const nl = addressLines(address, 'nl');
  const en = addressLines(address, 'en');
  return h('span', { class: 'address' }, ...nl.map((line, index) => tp({ nl: line, en: en[index] ?? line })));
}

const date = (iso: string | null | undefined, withTime = false): HTMLElement =>
  iso ? tp(datePair(iso, withTime)) : tk('export.notApplicable');

/** A "Wijzigen" button that opens one item's form (controllers.ts); its name says which item. */
const change = (form: string, item: TextKey): HTMLElement => {
  const button = tk('common.change', 'button', {
    type: 'button',
    class: 'link-button change',
    'data-edit': form,
    // A disclosure button: screen readers say "collapsed" until it opens its form (controllers.ts openEditor).
    'aria-expanded': 'false',
    'aria-controls': form,
  });
  button.append(
    h('span', { class: 'visually-hidden' }, ': '),
    tk(item, 'span', { class: 'visually-hidden' }),
  );
  return button;
};

/**
 * What ZorgSom keeps, one item per row. With `editable`, each row has its "Wijzigen" (Mijn gegevens), the
 * licence row a way to end it, the marketing row a link to its page.
 */
export function profileFacts(
  view: ProfileView & { destroyedBy?: string | null },
  { editable = false }: { editable?: boolean } = {},
): HTMLElement[] {
  const data = view.personalData;
  const edit = (form: string, item: TextKey) => (editable ? change(form, item) : null);
  const licence = h(
    'span',
    {},
    tp(lookup(licenceStatusTexts, view.status)),
    view.licence.startedAt ? h('span', {}, ' · ', date(view.licence.startedAt)) : null,
    view.destroyedBy ? h('span', {}, ' · ', tk('myData.destroyedBy'), ' ', date(view.destroyedBy)) : null,
  );
  return [
    ...row('field.name', data.name, edit('name-form', 'field.name')),
    ...row('field.address', addressBlock(data.address), edit('address-form', 'field.address')),
    ...row('field.email', data.email, edit('email-form', 'field.email')),
    ...row('field.iban', formatIban(data.iban), edit('iban-form', 'field.iban')),
    ...row(
      'myData.licence',
      licence,
      editable && view.status === 'active'
        ? tk('myData.endLicence', 'button', {
            type: 'button',
            class: 'link-button change',
            'data-edit': 'licence-end-form',
            'aria-expanded': 'false',
            'aria-controls': 'licence-end-form',
          })
        : null,
    ),
    ...row(
      'myData.mailLanguage',
      tk(view.language === 'en' ? 'myData.mailLanguageEn' : 'myData.mailLanguageNl'),
      edit('language-form', 'myData.mailLanguage'),
    ),
    ...row(
      'myData.marketing',
      tk(view.marketingOptOut ? 'myData.marketingNo' : 'myData.marketingYes'),
      editable ? tk('common.change', 'a', { href: '/marketing.html', class: 'change' }) : null,
    ),
  ];
}

export const requestTypeText = (type: string): Text => lookup(requestTypeTexts, type);
export const requestStatusText = (status: string): Text => lookup(requestStatusTexts, status);

/** One request's key facts, for the confirmation after submitting. */
export function requestSummary(request: RequestView): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    ...row('request.reference', request.reference),
    ...row('requests.type', tp(requestTypeText(request.type))),
    ...row('requests.status', tp(requestStatusText(request.status))),
    ...row('requests.receivedAt', date(request.receivedAt)),
    ...row('request.dueAt', date(request.dueAt)),
  );
}

export function requestsTable(requests: RequestView[]): HTMLElement {
  const header = h(
    'tr',
    {},
    tk('request.reference', 'th', { scope: 'col' }),
    tk('requests.type', 'th', { scope: 'col' }),
    tk('requests.status', 'th', { scope: 'col' }),
    tk('requests.receivedAt', 'th', { scope: 'col' }),
    tk('request.dueAt', 'th', { scope: 'col' }),
    tk('requests.history', 'th', { scope: 'col' }),
  );
  const label = (key: TextKey) => tk(key, 'span', { class: 'cell-label' });
  const rows = requests.map((request) =>
    h(
      'tr',
      { 'data-reference': request.reference },
      h('th', { scope: 'row' }, label('request.reference'), request.reference),
      h(
        'td',
        {},
        label('requests.type'),
        tp(requestTypeText(request.type)),
        ' (',
        tk(request.channel === 'email' ? 'requests.channelEmail' : 'requests.channelWeb'),
        ')',
      ),
      h('td', { class: 'status' }, label('requests.status'), tp(requestStatusText(request.status))),
      h('td', {}, label('requests.receivedAt'), date(request.receivedAt)),
      h('td', { class: 'due' }, label('request.dueAt'), date(request.dueAt)),
      h(
        'td',
        {},
        label('requests.history'),
        h(
          'ul',
          { class: 'history' },
          ...request.history.map((step) =>
            h('li', {}, date(step.at, true), ': ', tp(requestStatusText(step.status))),
          ),
        ),
      ),
    ),
  );
  return h(
    'div',
    { class: 'table-scroll', role: 'region', 'aria-labelledby': 'requests-caption', tabindex: '0' },
    h(
      'table',
      { class: 'table cards' },
      tk('requests.caption', 'caption', { id: 'requests-caption' }),
      h('thead', {}, header),
      h('tbody', {}, ...rows),
    ),
  );
}

const categoryText = (id: string): Text => {
  const category = policy.dataCategories.find((candidate) => candidate.id === id);
  return category ? { nl: category.nl, en: category.en } : { nl: id, en: id };
};

/** The export (GET /api/me/export) as a readable, printable page. */
export function exportView(data: LicenseeExport): HTMLElement[] {
  const profile = data.profile;
  const sections: HTMLElement[] = [
    h(
      'p',
      {},
      tk('export.generatedAt'),
      ': ',
      date(data.generatedAt, true),
      ` · ${data.controller.name}, ${data.controller.contactEmail}`,
    ),
    h(
      'section',
      { 'aria-labelledby': 'export-personal' },
      tk('export.personalData', 'h2', { id: 'export-personal' }),
      h(
        'dl',
        { class: 'facts' },
        ...profileFacts(profile),
        ...row('export.licenceStarted', date(profile.licence.startedAt)),
        ...row('export.licenceEnded', date(profile.licence.endedAt)),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'export-retention' },
      tk('export.retention', 'h2', { id: 'export-retention' }),
      data.retention.destroyedBy
        ? h('p', {}, tk('export.destroyedBy'), ': ', date(data.retention.destroyedBy))
        : tk('export.destroyedWhileActive', 'p'),
    ),
    h(
      'section',
      { 'aria-labelledby': 'export-purposes' },
      tk('export.purposes', 'h2', { id: 'export-purposes' }),
      h(
        'ul',
        {},
        ...data.purposes.map((purpose) =>
          h(
            'li',
            {},
            tp({ nl: purpose.nl, en: purpose.en }),
            ' — ',
            tp(lookup(legalBasisTexts, purpose.legalBasis)),
          ),
        ),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'export-requests' },
      tk('export.requests', 'h2', { id: 'export-requests' }),
      data.privacyRequests.length === 0 ? tk('export.noRequests', 'p') : requestsTable(data.privacyRequests),
    ),
    h(
      'section',
      { 'aria-labelledby': 'export-disclosures' },
      tk('export.disclosures', 'h2', { id: 'export-disclosures' }),
      data.disclosures.length === 0
        ? tk('export.noDisclosures', 'p')
        : h(
            'ul',
            {},
            ...data.disclosures.map((disclosure) =>
              h(
                'li',
                {},
                date(disclosure.disclosedAt),
                `: ${disclosure.recipient} — `,
                tp(lookup(disclosureBasisTexts, disclosure.basis)),
                ' — ',
                ...disclosure.categories.flatMap((id, index) => [
                  index > 0 ? ', ' : '',
                  tp(categoryText(id)),
                ]),
              ),
            ),
          ),
    ),
  ];
  return sections;
}

/** The ids of a review's decision form and its two fields (one form per open review, so ids carry the review). */
export const budgetFormIds = (reviewId: string) => ({
  form: `review-${reviewId}-form`,
  consent: fieldId(`${reviewId}.patientConsent`),
  upload: fieldId(`${reviewId}.upload`),
});

/** When an upload is destroyed at the latest: after closing, or after the answer deadline if never closed. */
function uploadDestroyedBy(review: BudgetReviewView): string {
  const from = new Date(review.closedAt ?? review.answerBy);
  return addDays(from, policy.budgetReview.destroyUploadAfterDays).toISOString();
}

/** The licensee's decision on an open review: consent, the file, and decline or share. */
function budgetDecisionForm(review: BudgetReviewView): HTMLElement {
  const ids = budgetFormIds(review.reviewId);
  const consentError = `${ids.consent}-error`;
  const uploadHint = `${ids.upload}-hint`;
  return h(
    'form',
    { id: ids.form, class: 'form', novalidate: true, 'data-review-id': review.reviewId },
    h('div', { class: 'form-error', id: `${ids.form}-error`, role: 'alert', tabindex: '-1', hidden: true }),
    h('div', { class: 'form-success', id: `${ids.form}-success`, role: 'status' }),
    h(
      'fieldset',
      {},
      tk('budget.decisionLegend', 'legend'),
      tk('budget.explain', 'p', { class: 'notice' }),
      h(
        'div',
        { class: 'field' },
        h('p', { class: 'field-error', id: consentError, hidden: true }),
        h(
          'div',
          { class: 'check' },
          h('input', { type: 'checkbox', id: ids.consent, name: 'patientConsent', required: true }),
          tk('budget.consent', 'label', { for: ids.consent }),
        ),
      ),
      h(
        'div',
        { class: 'field' },
        tk('budget.upload', 'label', { for: ids.upload }),
        tk('budget.uploadHint', 'p', { class: 'hint', id: uploadHint }),
        h('p', { class: 'field-error', id: `${ids.upload}-error`, hidden: true }),
        h('input', {
          type: 'file',
          id: ids.upload,
          name: 'upload',
          accept: uploadAccept,
          'aria-describedby': uploadHint,
        }),
      ),
      h(
        'ul',
        { class: 'actions' },
        h(
          'li',
          {},
          tk('budget.share', 'button', {
            type: 'submit',
            id: `${ids.form}-accept`,
            class: 'button',
            'data-decision': 'accept',
          }),
        ),
        h(
          'li',
          {},
          tk('budget.decline', 'button', {
            type: 'submit',
            id: `${ids.form}-decline`,
            class: 'button secondary',
            'data-decision': 'decline',
          }),
        ),
      ),
    ),
  );
}

/** One review: why ZorgSom asks, where it stands, and for an open one the decision form. */
export function budgetReviewSection(review: BudgetReviewView): HTMLElement {
  const titleId = `review-${review.reviewId}-title`;
  const shared = review.status === 'accepted' || review.status === 'closed';
  return h(
    'section',
    { class: 'review', 'data-review-id': review.reviewId, 'aria-labelledby': titleId },
    // Staff's reason names the review; two reviews asked on one day still have different headings.
    h('h2', { id: titleId, class: 'reason' }, review.reason),
    h(
      'dl',
      { class: 'facts' },
      ...row('budget.requestedAt', date(review.requestedAt)),
      ...row(
        'budget.status',
        tp(lookup(budgetReviewStatusTexts, review.status), 'span', { class: 'status' }),
      ),
      ...row('budget.answerBy', h('span', { class: 'answer-by' }, date(review.answerBy))),
      ...(review.decidedAt ? row('budget.decidedAt', date(review.decidedAt, true)) : []),
      ...(review.consentAttestedAt
        ? row('budget.consentAttestedAt', date(review.consentAttestedAt, true))
        : []),
      ...(review.closedAt ? row('budget.closedAt', date(review.closedAt)) : []),
      ...(shared
        ? row(
            'budget.file',
            review.uploadDestroyed
              ? tk('budget.fileDestroyed')
              : h('span', {}, tk('budget.fileDestroyedBy'), ' ', date(uploadDestroyedBy(review))),
          )
        : []),
    ),
    review.status === 'requested' ? budgetDecisionForm(review) : null,
  );
}

/** Open reviews first, then the newest. */
export function sortBudgetReviews(reviews: BudgetReviewView[]): BudgetReviewView[] {
  return [...reviews].sort(
    (a, b) =>
      Number(b.status === 'requested') - Number(a.status === 'requested') ||
      b.requestedAt.localeCompare(a.requestedAt),
  );
}

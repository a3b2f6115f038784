import { policy } from '../../../shared/domain/policy.js';
import { formatIban } from '../problem.js';
import {
  disclosureBasisTexts,
  legalBasisTexts,
  licenceStatusTexts,
  requestStatusTexts,
  requestTypeTexts,
  type Text,
  type TextKey,
} from '../texts.js';
import { h, tk, tp } from './dom.js';
import { datePair } from './i18n.js';
import type { Address, LicenseeExport, ProfileView, RequestView } from './types.js';

const lookup = (table: Record<string, Text>, id: string): Text => table[id] ?? { nl: id, en: id };

/** A name–value row of a description list. */
function row(label: TextKey | Text, ...value: (Node | string)[]): HTMLElement[] {
  return [typeof label === 'string' ? tk(label, 'dt') : tp(label, 'dt'), h('dd', {}, ...value)];
}

function addressLines(address: Address): HTMLElement {
  const number = [address.houseNumber, address.houseNumberAddition].filter(Boolean).join(' ');
  return h(
    'span',
    { class: 'address' },
    h('span', {}, `${address.street} ${number}`),
    h('span', {}, `${address.postcode} ${address.city}`),
    h('span', {}, address.country),
  );
}

const date = (iso: string | null | undefined, withTime = false): HTMLElement =>
  iso ? tp(datePair(iso, withTime)) : tk('export.notApplicable');

export function profileFacts(view: ProfileView): HTMLElement[] {
  const data = view.personalData;
  return [
    ...row('field.name', data.name),
    ...row('field.address', addressLines(data.address)),
    ...row('field.email', data.email),
    ...row('field.iban', formatIban(data.iban)),
    ...row('myData.licence', tp(lookup(licenceStatusTexts, view.status))),
    ...row('myData.marketing', tk(view.marketingOptOut ? 'myData.marketingNo' : 'myData.marketingYes')),
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
  const rows = requests.map((request) =>
    h(
      'tr',
      { 'data-reference': request.reference },
      h('th', { scope: 'row' }, request.reference),
      h(
        'td',
        {},
        tp(requestTypeText(request.type)),
        ' (',
        tk(request.channel === 'email' ? 'requests.channelEmail' : 'requests.channelWeb'),
        ')',
      ),
      h('td', { class: 'status' }, tp(requestStatusText(request.status))),
      h('td', {}, date(request.receivedAt)),
      h('td', { class: 'due' }, date(request.dueAt)),
      h(
        'td',
        {},
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
      { class: 'table' },
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

import { staffInboxMails } from '../../../../shared/services/staff/inbox-mails.js';
import { can } from '../../logic.js';
import { typeTexts, type ConsoleTextKey } from '../../texts.js';
import { api } from '../api.js';
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
  setFieldError,
  table,
  textOf,
} from '../ui.js';
import type { PageContext } from './index.js';

/** What POST /api/admin/inbox/list answers per mail (shared/services/staff/inbox.ts): listing it is audited. */
interface InboxSummary {
  reference: string;
  status: 'open' | 'answered' | 'handled' | 'converted';
  receivedAt: string;
  dueAt: string;
  fromLicensee: boolean;
  patientDataWithheld: boolean;
  answers: number;
  sender: string | null;
  subject: string | null;
}

/** POST /api/admin/inbox/show: the mail in full, audited before it is shown. */
interface InboxMail extends InboxSummary {
  text: string | null;
  messageId: string | null;
  convertedTo?: string;
}

const statusText = (status: string): string => tr(`inbox.status.${status}` as ConsoleTextKey);
const minimumText = 10;

export async function inboxPage(main: HTMLElement, context: PageContext): Promise<void> {
  if (context.id) return inboxDetail(main, context, context.id);
  const status = messages();
  const result = await api<{ items: InboxSummary[] }>('/admin/inbox/list', {});
  if (!context.isCurrent()) return;
  if (!result.ok) status.problem(result.problem);
  const items = result.ok ? result.data.items : [];
  mount(
    main,
    h('h1', {}, tr('inbox.title')),
    h('p', { class: 'hint' }, tr('inbox.listNote')),
    status.root,
    items.length
      ? table(
          [
            tr('inbox.reference'),
            tr('inbox.received'),
            tr('inbox.from'),
            tr('inbox.subject'),
            tr('inbox.status'),
          ],
          items.map((item) => [
            h('a', { href: `#/inbox/${item.reference}` }, item.reference),
            formatDate(item.receivedAt, true),
            item.sender ?? '—',
            item.subject ?? '—',
            statusText(item.status),
          ]),
          tr('inbox.title'),
        )
      : h('p', {}, tr('inbox.empty')),
  );
}

async function inboxDetail(
  main: HTMLElement,
  context: PageContext,
  reference: string,
  flash?: string,
): Promise<void> {
  const status = messages();
  const mailHost = h('div', { id: 'inbox-mail' });
  const actions = h('div', { id: 'inbox-actions' });
  const reload = (done: string) => inboxDetail(main, context, reference, done);
  const read = button(
    tr('inbox.read'),
    () => {
      void api<InboxMail>('/admin/inbox/show', { reference }).then((result) => {
        if (!result.ok) return status.problem(result.problem);
        showMail(mailHost, result.data);
        if (can(context.role, 'workInbox')) mountActions(actions, result.data, reload);
        (mailHost.querySelector('pre') as HTMLElement | null)?.focus();
      });
    },
    { kind: 'secondary', id: 'read-mail' },
  );
  mailHost.append(h('p', { class: 'hint' }, tr('inbox.readNote')), read);
  mount(
    main,
    h('p', { class: 'crumb' }, h('a', { href: '#/inbox' }, `← ${tr('nav.inbox')}`)),
    h('h1', {}, `${tr('inbox.title')}: ${reference}`),
    status.root,
    section(tr('inbox.read'), mailHost),
    can(context.role, 'workInbox') ? section(tr('request.actions'), actions) : null,
  );
  if (flash) status.ok(flash);
}

function showMail(host: HTMLElement, mail: InboxMail): void {
  host.replaceChildren(
    definitionList([
      [tr('inbox.from'), mail.sender ?? '—'],
      [tr('inbox.subject'), mail.subject ?? '—'],
      [tr('inbox.received'), formatDate(mail.receivedAt, true)],
      [tr('inbox.status'), statusText(mail.status)],
      [tr('inbox.answers'), String(mail.answers)],
    ]),
    mail.text === null
      ? h('p', { class: 'hint' }, tr(mail.patientDataWithheld ? 'inbox.withheld' : 'inbox.gone'))
      : h('pre', { class: 'request-text', tabindex: '0', 'aria-label': tr('inbox.text') }, mail.text),
  );
}

/** Answer (the exact mail previewed), mark handled, or convert a licensee's mail into a privacy request. */
function mountActions(host: HTMLElement, mail: InboxMail, reload: (done: string) => Promise<void>): void {
  if (mail.status !== 'open' && mail.status !== 'answered') {
    host.replaceChildren(h('p', {}, tr('inbox.noActions')));
    return;
  }
  const status = messages();
  const answer = field({ label: 'inbox.answerText', name: 'answer', textarea: true });
  const answerHost = h('div', { class: 'confirm-host' });
  const answerButton = button(
    tr('inbox.answer'),
    () => {
      const text = answer.control.value.trim();
      setFieldError(answer, text.length < minimumText ? tr('request.tooShort') : undefined);
      if (text.length < minimumText) return answer.control.focus();
      // The same template the server sends, so the preview is the mail.
      const preview = staffInboxMails.answer({
        to: '',
        reference: mail.reference,
        subject: mail.subject ?? '',
        text,
      });
      confirmStep(answerHost, {
        intro: `${tr('inbox.answerConfirm')} ${mail.sender ?? ''}`,
        preview: { subject: preview.subject, text: preview.text },
        confirmLabel: tr('inbox.answer'),
        opener: answerButton,
        onConfirm: async () => {
          const result = await api('/admin/inbox/answer', { reference: mail.reference, text });
          if (result.ok) await reload(tr('common.done'));
          else confirmStatus.get(answerHost.firstElementChild as HTMLElement)?.problem(result.problem);
        },
      });
    },
    { id: 'answer-review' },
  );
  const handled = button(
    tr('inbox.markHandled'),
    () => {
      void api('/admin/inbox/handle', { reference: mail.reference }).then((result) =>
        result.ok ? reload(tr('common.done')) : status.problem(result.problem),
      );
    },
    { kind: 'secondary', id: 'mark-handled' },
  );
  const convertPanel = h('div', { id: 'convert' });
  if (mail.fromLicensee) {
    const type = field({
      label: 'inbox.convertType',
      name: 'type',
      options: Object.keys(typeTexts).map((key): [string, string] => [key, textOf(typeTexts, key)]),
    });
    const convertHost = h('div', { class: 'confirm-host' });
    const convert = button(
      tr('inbox.convert'),
      () => {
        confirmStep(convertHost, {
          intro: tr('inbox.convertConfirm'),
          confirmLabel: tr('inbox.convert'),
          opener: convert,
          onConfirm: async () => {
            const result = await api<{ request: { reference: string } }>('/admin/inbox/convert', {
              reference: mail.reference,
              type: type.control.value,
            });
            if (result.ok) window.location.hash = `#/requests/${result.data.request.reference}`;
            else confirmStatus.get(convertHost.firstElementChild as HTMLElement)?.problem(result.problem);
          },
        });
      },
      { kind: 'secondary', id: 'convert-review' },
    );
    convertPanel.append(type.wrap, convert, convertHost);
  } else {
    convertPanel.append(h('p', { class: 'hint' }, tr('inbox.notALicensee')));
  }
  host.replaceChildren(
    status.root,
    answer.wrap,
    answerButton,
    answerHost,
    h('div', { class: 'button-row' }, handled),
    convertPanel,
  );
}

import { can } from '../../logic.js';
import { statusTexts, typeTexts } from '../../texts.js';
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { formatDate, tr } from '../i18n.js';
import { button, confirmStatus, confirmStep, field, messages, section, table, textOf } from '../ui.js';
import type { PageContext } from './index.js';

/** A general mail to info@ as the inbox list shows it: no sender address or text until it is read. */
interface InboxItem {
  messageId: string;
  receivedAt: string;
  status: string;
  reference?: string;
}

interface InboxMail extends InboxItem {
  from: string;
  subject: string;
  text: string;
}

let showHandled = false;

export async function inboxPage(main: HTMLElement, context: PageContext): Promise<void> {
  if (context.id) return inboxDetail(main, context, context.id);
  const status = messages();
  const result = await api<{ items: InboxItem[] }>('/admin/inbox/list', { includeHandled: showHandled });
  if (!context.isCurrent()) return;
  if (!result.ok) status.problem(result.problem);
  const toggle = h('input', {
    type: 'checkbox',
    id: 'show-handled',
    checked: showHandled,
  }) as HTMLInputElement;
  toggle.addEventListener('change', () => {
    showHandled = toggle.checked;
    void inboxPage(main, context);
  });
  const items = result.ok ? result.data.items : [];
  mount(
    main,
    h('h1', {}, tr('inbox.title')),
    status.root,
    h('div', { class: 'checkbox' }, toggle, h('label', { for: 'show-handled' }, tr('inbox.showHandled'))),
    items.length
      ? table(
          [tr('inbox.received'), tr('inbox.status'), ''],
          items.map((item) => [
            formatDate(item.receivedAt, true),
            textOf(statusTexts, item.status),
            h('a', { href: `#/inbox/${encodeURIComponent(item.messageId)}` }, tr('inbox.read')),
          ]),
          tr('inbox.title'),
        )
      : h('p', {}, tr('inbox.empty')),
  );
}

async function inboxDetail(main: HTMLElement, context: PageContext, messageId: string): Promise<void> {
  const status = messages();
  const mailHost = h('div', { id: 'inbox-mail' });
  const actions = h('div', { id: 'inbox-actions' });
  const read = button(
    tr('inbox.read'),
    () => {
      void api<InboxMail>('/admin/inbox/read', { messageId }).then((result) => {
        if (!result.ok) return status.problem(result.problem);
        mailHost.replaceChildren(
          h('p', {}, h('strong', {}, `${tr('inbox.from')}: `), result.data.from),
          h('p', {}, h('strong', {}, `${tr('inbox.subject')}: `), result.data.subject),
          h(
            'pre',
            { class: 'request-text', tabindex: '0', 'aria-label': tr('inbox.subject') },
            result.data.text,
          ),
        );
        (mailHost.querySelector('pre') as HTMLElement | null)?.focus();
      });
    },
    { kind: 'secondary', id: 'read-mail' },
  );
  mailHost.append(h('p', { class: 'hint' }, tr('inbox.readNote')), read);
  if (can(context.role, 'workInbox')) {
    const done = async (): Promise<void> => {
      window.location.hash = '#/inbox';
    };
    const answer = field({ label: 'inbox.answerText', name: 'answer', textarea: true });
    const answerHost = h('div', { class: 'confirm-host' });
    const answerButton = button(
      tr('inbox.answer'),
      () => {
        if (answer.control.value.trim().length < 10) return answer.control.focus();
        confirmStep(answerHost, {
          intro: tr('inbox.answer'),
          preview: { subject: 'Re:', text: answer.control.value.trim() },
          confirmLabel: tr('inbox.answer'),
          opener: answerButton,
          onConfirm: async () => {
            const result = await api('/admin/inbox/answer', { messageId, text: answer.control.value.trim() });
            if (result.ok) await done();
            else confirmStatus.get(answerHost.firstElementChild as HTMLElement)?.problem(result.problem);
          },
        });
      },
      { id: 'answer-mail' },
    );
    const handled = button(
      tr('inbox.markHandled'),
      () => {
        void api('/admin/inbox/handled', { messageId }).then((result) =>
          result.ok ? done() : status.problem(result.problem),
        );
      },
      { kind: 'secondary', id: 'mark-handled' },
    );
    const type = field({
      label: 'inbox.convertType',
      name: 'type',
      options: Object.keys(typeTexts).map((key): [string, string] => [key, textOf(typeTexts, key)]),
    });
    const convert = button(
      tr('inbox.convert'),
      () => {
        void api<{ reference: string }>('/admin/inbox/convert', { messageId, type: type.control.value }).then(
          (result) => {
            if (result.ok) window.location.hash = `#/requests/${encodeURIComponent(result.data.reference)}`;
            else status.problem(result.problem);
          },
        );
      },
      { kind: 'secondary', id: 'convert-mail' },
    );
    actions.append(
      answer.wrap,
      answerButton,
      answerHost,
      h('div', { class: 'button-row' }, handled),
      type.wrap,
      convert,
    );
  }
  mount(
    main,
    h('p', { class: 'crumb' }, h('a', { href: '#/inbox' }, `← ${tr('nav.inbox')}`)),
    h('h1', {}, tr('inbox.title')),
    status.root,
    section(tr('inbox.read'), mailHost),
    can(context.role, 'workInbox') ? section(tr('request.actions'), actions) : null,
  );
}

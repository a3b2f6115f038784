import { breachReportHours } from '../../../../shared/domain/breach-register.js';
import { can } from '../../logic.js';
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { formatDate, formatNumber, tr } from '../i18n.js';
import {
  button,
  confirmStatus,
  confirmStep,
  definitionList,
  field,
  messages,
  section,
  setFieldError,
} from '../ui.js';
import type { PageContext } from './index.js';
import { categoryLabel, groupLabel, liveClock, natureLabel, type BreachView } from './breaches.js';

const yesNo = (value: boolean) => tr(value ? 'common.yes' : 'common.no');

/** One breach: its clock, the AP form's answers, the decision to report or not, and the art. 34 notice. */
export async function breachDetail(main: HTMLElement, context: PageContext, breachId: string): Promise<void> {
  const status = messages();
  const result = await api<BreachView>('/admin/breaches/show', { breachId });
  if (!context.isCurrent()) return;
  if (!result.ok) {
    status.problem(result.problem);
    main.replaceChildren(
      h('h1', {}, tr('breaches.title')),
      status.root,
      h('p', {}, h('a', { href: '#/breaches' }, tr('common.back'))),
    );
    return;
  }
  const breach = result.data;
  const reload = () => breachDetail(main, context, breachId);
  const deadline = new Date(Date.parse(breach.discoveredAt) + breachReportHours * 3_600_000).toISOString();
  mount(
    main,
    h('p', {}, h('a', { href: '#/breaches' }, tr('common.back'))),
    h('h1', {}, breach.summary),
    status.root,
    section(
      tr('breaches.clock'),
      definitionList([
        [tr('breaches.discoveredAt'), formatDate(breach.discoveredAt, true)],
        [tr('breaches.deadline'), h('span', { id: 'breach-deadline' }, formatDate(deadline, true))],
        [tr('breaches.clock'), h('span', { id: 'breach-clock' }, liveClock(breach))],
      ]),
    ),
    section(
      tr('breaches.recorded'),
      definitionList([
        [tr('breaches.occurredAt'), formatDate(breach.occurredAt, true)],
        [tr('breaches.ongoing'), yesNo(breach.ongoing)],
        [tr('breaches.endedAt'), formatDate(breach.endedAt, true)],
        [tr('breaches.nature'), breach.nature.map(natureLabel).join(', ')],
        [tr('breaches.description'), breach.description],
        [tr('breaches.cause'), breach.cause],
        [tr('breaches.dataCategories'), breach.dataCategories.map(categoryLabel).join(', ')],
        [tr('breaches.approximateRecords'), formatNumber(breach.approximateRecords)],
        [tr('breaches.affectedGroups'), breach.affectedGroups.map(groupLabel).join(', ')],
        [
          tr('breaches.affectedCount'),
          `${formatNumber(breach.affectedMin)} – ${formatNumber(breach.affectedMax)}`,
        ],
        [tr('breaches.measuresBeforehand'), breach.measuresBeforehand],
        [tr('breaches.dataWasEncrypted'), yesNo(breach.dataWasEncrypted)],
        [tr('breaches.likelyConsequences'), breach.likelyConsequences],
        [tr('breaches.followUp'), breach.followUp],
      ]),
    ),
    breach.decision
      ? section(
          tr('breaches.decided'),
          definitionList([
            [tr('breaches.report'), yesNo(breach.decision.report)],
            [tr('breaches.reason'), breach.decision.reason],
            [tr('breaches.highRisk'), yesNo(breach.decision.highRisk)],
            [tr('breaches.authorityReference'), breach.decision.authorityReference ?? '—'],
            [
              tr('breaches.decided'),
              `${formatDate(breach.decision.decidedAt, true)}, ${breach.decision.decidedBy}`,
            ],
          ]),
        )
      : can(context.role, 'breaches')
        ? section(tr('breaches.decision'), decisionForm(breach, reload))
        : null,
    section(tr('breaches.export'), exportPanel(breachId)),
    breach.decision?.highRisk && can(context.role, 'breaches')
      ? section(
          tr('breaches.notify'),
          breach.licenseesNotifiedAt
            ? definitionList([
                [
                  tr('breaches.notified'),
                  `${formatDate(breach.licenseesNotifiedAt, true)} (${formatNumber(breach.licenseesNotified ?? 0)})`,
                ],
              ])
            : noticeForm(breach, reload),
        )
      : null,
  );
}

function decisionForm(breach: BreachView, reload: () => Promise<void>): HTMLElement {
  const status = messages();
  const report = field({
    name: 'report',
    label: 'breaches.report',
    options: [
      ['yes', tr('breaches.reportYes')],
      ['no', tr('breaches.reportNo')],
    ],
  });
  const reason = field({ name: 'reason', label: 'breaches.reason', textarea: true });
  const reference = field({ name: 'authorityReference', label: 'breaches.authorityReference' });
  const highRisk = h('input', {
    type: 'checkbox',
    id: 'breach-high-risk',
    name: 'highRisk',
  }) as HTMLInputElement;
  const confirmHost = h('div');
  const review = button(
    tr('breaches.decide'),
    () => {
      setFieldError(reason, undefined);
      if (reason.control.value.trim().length < 3) {
        setFieldError(reason, tr('request.tooShort'));
        reason.control.focus();
        return;
      }
      confirmStep(confirmHost, {
        intro: tr('breaches.decideConfirm'),
        confirmLabel: tr('breaches.decide'),
        opener: review,
        onConfirm: async () => {
          const result = await api('/admin/breaches/decide', {
            breachId: breach.breachId,
            report: report.control.value === 'yes',
            reason: reason.control.value.trim(),
            highRisk: highRisk.checked,
            ...(reference.control.value.trim() ? { authorityReference: reference.control.value.trim() } : {}),
          });
          if (result.ok) await reload();
          else confirmStatus.get(confirmHost.firstElementChild as HTMLElement)?.problem(result.problem);
        },
      });
    },
    { id: 'decide-review' },
  );
  return h(
    'div',
    { id: 'breach-decision' },
    status.root,
    report.wrap,
    reason.wrap,
    h(
      'div',
      { class: 'checkbox' },
      highRisk,
      h('label', { for: 'breach-high-risk' }, tr('breaches.highRisk')),
    ),
    reference.wrap,
    review,
    confirmHost,
  );
}

function exportPanel(breachId: string): HTMLElement {
  const status = messages();
  const output = h('pre', { class: 'mail-text', id: 'breach-export', hidden: true });
  const show = button(
    tr('breaches.exportButton'),
    () => {
      void api<{ text: string }>('/admin/breaches/export', { breachId }).then((result) => {
        if (!result.ok) return status.problem(result.problem);
        output.textContent = result.data.text;
        output.hidden = false;
      });
    },
    { kind: 'secondary', id: 'export-breach' },
  );
  return h('div', {}, status.root, show, output);
}

/** Art. 34: preview the exact mail (placeholders for name and address), then send it once. */
function noticeForm(breach: BreachView, reload: () => Promise<void>): HTMLElement {
  const status = messages();
  const ids = field({ name: 'licenseeIds', label: 'breaches.licenseeIds', textarea: true });
  const whatYouCanDo = field({ name: 'whatYouCanDo', label: 'breaches.whatYouCanDo', textarea: true });
  const confirmHost = h('div');
  const body = (send: boolean) => ({
    breachId: breach.breachId,
    licenseeIds: ids.control.value
      .split(/\s+/)
      .map((id) => id.trim().toUpperCase())
      .filter(Boolean),
    whatYouCanDo: whatYouCanDo.control.value.trim(),
    send,
  });
  const review = button(
    tr('breaches.notifyReview'),
    () => {
      void api<{ recipients: number; preview: { subject: string; text: string } }>(
        '/admin/breaches/notify-licensees',
        body(false),
      ).then((result) => {
        if (!result.ok) return status.problem(result.problem);
        status.clear();
        confirmStep(confirmHost, {
          intro: `${tr('breaches.notifyConfirm')} ${formatNumber(result.data.recipients)}`,
          preview: result.data.preview,
          confirmLabel: tr('breaches.notifySend'),
          opener: review,
          onConfirm: async () => {
            const sent = await api('/admin/breaches/notify-licensees', body(true));
            if (sent.ok) await reload();
            else confirmStatus.get(confirmHost.firstElementChild as HTMLElement)?.problem(sent.problem);
          },
        });
      });
    },
    { id: 'notify-review' },
  );
  return h('div', { id: 'breach-notice' }, status.root, ids.wrap, whatYouCanDo.wrap, review, confirmHost);
}

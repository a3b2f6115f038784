import { can } from '../../logic.js';
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { formatNumber, language, tr } from '../i18n.js';
import { button, confirmStatus, confirmStep, field, messages, section } from '../ui.js';
import type { PageContext } from './index.js';

const isText = (value: unknown): value is { nl: string; en: string } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { nl?: unknown }).nl === 'string' &&
  typeof (value as { en?: unknown }).en === 'string';

/** camelCase → "camel case": the register's keys are its headings, so the page follows its shape. */
const label = (key: string): string => {
  const words = key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Draws the art. 30 register whatever its shape: texts in the chosen language, lists, nested records. */
export function renderValue(value: unknown): Node {
  if (isText(value)) {
    const rest = Object.entries(value).filter(([key]) => key !== 'nl' && key !== 'en');
    const text = value[language()];
    return rest.length
      ? h('div', {}, h('p', {}, text), renderValue(Object.fromEntries(rest)))
      : document.createTextNode(text);
  }
  if (Array.isArray(value))
    return h(
      'ul',
      {},
      value.map((item) => h('li', {}, renderValue(item))),
    );
  if (typeof value === 'object' && value !== null) {
    return h(
      'dl',
      { class: 'facts' },
      Object.entries(value).flatMap(([key, item]) => [
        h('dt', {}, label(key)),
        h('dd', {}, renderValue(item)),
      ]),
    );
  }
  return document.createTextNode(String(value));
}

const templates = ['product-update', 'training-invitation'];

export async function registersPage(main: HTMLElement, context: PageContext): Promise<void> {
  const status = messages();
  const register = await api<Record<string, unknown>>('/admin/reports/processing-register', undefined, 'GET');
  if (!context.isCurrent()) return;
  if (!register.ok) status.problem(register.problem);
  mount(
    main,
    h('h1', {}, tr('registers.title')),
    status.root,
    section(
      tr('registers.processing'),
      register.ok ? h('div', { id: 'processing-register' }, renderValue(register.data)) : h('p', {}, '—'),
    ),
    can(context.role, 'marketing') ? section(tr('registers.marketing'), marketing()) : null,
  );
}

/** What marketing/send answers: the job that sends (shared/domain/job.ts viewOfJob). */
interface MarketingJob {
  jobId: string;
  status: 'running' | 'done' | 'failed';
  progress: Record<string, number>;
}

/** The send runs as a job: its progress is shown until it has finished (or failed). */
async function followJob(job: MarketingJob, status: ReturnType<typeof messages>): Promise<void> {
  let current = job;
  const counts = () =>
    `${tr('registers.sent')} ${formatNumber(current.progress.sent ?? 0)}, ${tr('registers.skipped')} ${formatNumber(current.progress.skipped ?? 0)}`;
  while (current.status === 'running') {
    status.ok(`${tr('registers.running')} ${counts()}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const next = await api<MarketingJob>('/admin/jobs/show', { jobId: job.jobId });
    if (!next.ok) return status.problem(next.problem);
    current = next.data;
  }
  if (current.status === 'failed') status.problem(`${tr('registers.failed')} ${counts()}`);
  else status.ok(`${tr('registers.finished')} ${counts()}`);
}

function marketing(): HTMLElement {
  const status = messages();
  const template = field({
    label: 'registers.template',
    name: 'template',
    options: templates.map((id): [string, string] => [id, id]),
  });
  const count = h('p', { id: 'audience-count', role: 'status' });
  const host = h('div', { class: 'confirm-host' });
  const counter = button(
    tr('registers.countAudience'),
    () => {
      void api<{ recipients: number }>('/admin/marketing/audience', {}).then((result) => {
        if (result.ok)
          count.textContent = `${tr('registers.audience')}: ${formatNumber(result.data.recipients)}`;
        else status.problem(result.problem);
      });
    },
    { kind: 'secondary', id: 'count-audience' },
  );
  const send = button(
    tr('registers.send'),
    () => {
      void (async () => {
        const audience = await api<{ recipients: number }>('/admin/marketing/audience', {});
        const preview = await api<{ subject: string; text: string }>('/admin/marketing/preview', {
          template: template.control.value,
        });
        if (!audience.ok) return status.problem(audience.problem);
        confirmStep(host, {
          intro: `${tr('registers.sendConfirm')} ${formatNumber(audience.data.recipients)}`,
          preview: preview.ok ? preview.data : undefined,
          confirmLabel: `${tr('common.confirm')} (${formatNumber(audience.data.recipients)})`,
          danger: true,
          opener: send,
          onConfirm: async () => {
            const result = await api<MarketingJob>('/admin/marketing/send', {
              template: template.control.value,
            });
            if (!result.ok) {
              confirmStatus.get(host.firstElementChild as HTMLElement)?.problem(result.problem);
              return;
            }
            host.replaceChildren();
            await followJob(result.data, status);
          },
        });
      })();
    },
    { id: 'send-marketing' },
  );
  return h(
    'div',
    {},
    status.root,
    template.wrap,
    h('div', { class: 'button-row' }, counter, send),
    count,
    host,
  );
}

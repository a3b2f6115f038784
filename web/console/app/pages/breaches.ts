import { breachClock } from '../../logic.js';
import { api } from '../api.js';
import { h } from '../dom.js';
import { formatDate, formatNumber, tr } from '../i18n.js';
import { messages, table } from '../ui.js';
import type { PageContext } from './index.js';

interface BreachItem {
  breachId: string;
  title: string;
  discoveredAt: string;
  decision?: 'report' | 'no-report';
  reportedAt?: string;
}

export function clockBadge(discoveredAt: string, reportedAt?: string): HTMLElement {
  if (reportedAt) return h('span', { class: 'badge calm' }, formatDate(reportedAt, true));
  const clock = breachClock(discoveredAt, new Date());
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

export async function breachesPage(main: HTMLElement, context: PageContext): Promise<void> {
  const status = messages();
  const result = await api<{ breaches: BreachItem[] }>('/admin/breaches/list', {});
  if (!context.isCurrent()) return;
  if (!result.ok) status.problem(result.problem);
  const breaches = result.ok ? result.data.breaches : [];
  main.replaceChildren(
    h('h1', {}, tr('breaches.title')),
    h('p', {}, tr('breaches.intro')),
    status.root,
    breaches.length
      ? table(
          [tr('breaches.title'), tr('requests.received'), tr('breaches.clock')],
          breaches.map((breach) => [
            breach.title,
            formatDate(breach.discoveredAt, true),
            clockBadge(breach.discoveredAt, breach.reportedAt),
          ]),
          tr('breaches.title'),
        )
      : h('p', {}, tr('breaches.empty')),
  );
}

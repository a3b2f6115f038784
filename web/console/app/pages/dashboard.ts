import { deadlineBuckets, monthsBetween, toCsv } from '../../logic.js';
import { api } from '../api.js';
import { barChart, horizontalBarChart } from '../charts.js';
import { h } from '../dom.js';
import { formatNumber, tr } from '../i18n.js';
import { basisTexts } from '../../texts.js';
import { button, field, messages, section, table, textOf } from '../ui.js';
import type { PageContext } from './index.js';
import type { OpenRequest } from './requests.js';

/** The shape of POST /api/admin/reports/activity (shared/services/staff/report.ts). */
export interface ActivityReport {
  period: { from: string; to: string };
  requests: {
    received: number;
    answered: number;
    answeredOnTime: number;
    answeredLate: number;
    overdueNow: number;
    extended: number;
  };
  purges: { total: number; onTime: number; late: number };
  disclosures: Record<string, number>;
  staffReads: number;
  breaches?: { recorded: number; reportedToAuthority: number; notReported: number; decidedLate: number };
}

const today = (): string => new Date().toISOString().slice(0, 10);
const monthsAgo = (n: number): string => {
  const date = new Date();
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - n, 1)).toISOString().slice(0, 10);
};

let period = { from: monthsAgo(5), to: today() };

/** The figures of a report as label/value rows: the same list feeds the table and the CSV. */
export function reportRows(report: ActivityReport): [string, number][] {
  const rows: [string, number][] = [
    [tr('dashboard.received'), report.requests.received],
    [tr('dashboard.answered'), report.requests.answered],
    [tr('dashboard.answeredOnTime'), report.requests.answeredOnTime],
    [tr('dashboard.answeredLate'), report.requests.answeredLate],
    [tr('dashboard.overdueNow'), report.requests.overdueNow],
    [tr('dashboard.extended'), report.requests.extended],
    [tr('dashboard.purgesTotal'), report.purges.total],
    [tr('dashboard.purgesOnTime'), report.purges.onTime],
    [tr('dashboard.purgesLate'), report.purges.late],
    ...Object.entries(report.disclosures).map(([basis, count]): [string, number] => [
      `${tr('licensees.disclosures')}: ${textOf(basisTexts, basis)}`,
      count,
    ]),
    [tr('dashboard.staffReads'), report.staffReads],
  ];
  if (report.breaches) {
    rows.push([tr('dashboard.breachesTotal'), report.breaches.recorded]);
    rows.push([tr('dashboard.breachesReported'), report.breaches.reportedToAuthority]);
  }
  return rows;
}

function download(name: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: 'text/csv;charset=utf-8' }));
  const link = h('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export async function dashboardPage(main: HTMLElement, context: PageContext): Promise<void> {
  const status = messages();
  const open = await api<{ requests: OpenRequest[] }>('/admin/requests/list', {});
  const total = await api<ActivityReport>('/admin/reports/activity', period);
  const months = monthsBetween(period.from, period.to);
  const perMonth = await Promise.all(
    months.map((month) => api<ActivityReport>('/admin/reports/activity', { from: month.from, to: month.to })),
  );
  if (!context.isCurrent()) return;

  const tiles = h('div', { class: 'tiles', id: 'deadline-tiles' });
  if (open.ok) {
    const buckets = deadlineBuckets(open.data.requests, new Date());
    const tile = (
      key: 'dashboard.onTime' | 'dashboard.dueSoon' | 'dashboard.overdue',
      value: number,
      kind: string,
    ) =>
      h(
        'a',
        { class: `tile ${kind}`, href: '#/requests' },
        h('span', { class: 'tile-value' }, formatNumber(value)),
        h('span', { class: 'tile-label' }, tr(key)),
      );
    tiles.append(
      tile('dashboard.onTime', buckets.onTime, 'ok'),
      tile('dashboard.dueSoon', buckets.dueSoon, 'warn'),
      tile('dashboard.overdue', buckets.overdue, buckets.overdue > 0 ? 'late' : 'ok'),
    );
  } else status.problem(open.problem);

  const from = field({ label: 'dashboard.from', name: 'from', type: 'date', value: period.from });
  const to = field({ label: 'dashboard.to', name: 'to', type: 'date', value: period.to });
  const form = h(
    'form',
    { class: 'inline-form', novalidate: true },
    from.wrap,
    to.wrap,
    h('button', { type: 'submit', class: 'button secondary' }, tr('dashboard.show')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    period = { from: from.control.value, to: to.control.value };
    void dashboardPage(main, context);
  });

  const reportPart = h('div', { id: 'report' });
  if (total.ok) {
    const rows = reportRows(total.data);
    const csv = button(
      tr('dashboard.csv'),
      () => {
        const header = [tr('dashboard.figure'), tr('dashboard.value')];
        const monthly = perMonth.flatMap((result, i) =>
          result.ok
            ? ([
                [`${tr('dashboard.answered')} ${months[i]?.month}`, result.data.requests.answered],
                [
                  `${tr('dashboard.answeredOnTime')} ${months[i]?.month}`,
                  result.data.requests.answeredOnTime,
                ],
              ] as [string, number][])
            : [],
        );
        download(
          `zorgsom-report-${period.from}-${period.to}.csv`,
          toCsv([
            [tr('dashboard.from'), period.from],
            [tr('dashboard.to'), period.to],
            header,
            ...rows,
            ...monthly,
          ]),
        );
      },
      { kind: 'secondary', id: 'report-csv' },
    );
    const monthLabels = months.map((month) => month.month);
    const monthly = perMonth.map((result) => (result.ok ? result.data : undefined));
    reportPart.append(
      h(
        'div',
        { class: 'charts' },
        barChart(tr('dashboard.answeredPerMonth'), monthLabels, [
          {
            label: tr('dashboard.onTime'),
            className: 'ok',
            values: monthly.map((m) => m?.requests.answeredOnTime ?? 0),
          },
          {
            label: tr('dashboard.late'),
            className: 'late',
            values: monthly.map((m) => m?.requests.answeredLate ?? 0),
          },
        ]),
        barChart(tr('dashboard.purges'), monthLabels, [
          {
            label: tr('dashboard.onTime'),
            className: 'ok',
            values: monthly.map((m) => m?.purges.onTime ?? 0),
          },
          { label: tr('dashboard.late'), className: 'late', values: monthly.map((m) => m?.purges.late ?? 0) },
        ]),
        horizontalBarChart(
          tr('dashboard.disclosures'),
          Object.entries(total.data.disclosures).map(([basis, value]) => ({
            label: textOf(basisTexts, basis),
            value,
          })),
        ),
        total.data.breaches
          ? horizontalBarChart(tr('dashboard.breaches'), [
              { label: tr('dashboard.breachesTotal'), value: total.data.breaches.recorded },
              { label: tr('dashboard.breachesReported'), value: total.data.breaches.reportedToAuthority },
            ])
          : null,
      ),
      h('h3', {}, tr('dashboard.figures')),
      table(
        [tr('dashboard.figure'), tr('dashboard.value')],
        rows.map(([label, value]) => [label, h('span', { 'data-figure': label }, formatNumber(value))]),
        tr('dashboard.figures'),
      ),
      h('div', { class: 'button-row' }, csv),
    );
  } else status.problem(total.problem);

  main.replaceChildren(
    h('h1', {}, tr('dashboard.title')),
    status.root,
    section(tr('dashboard.deadlines'), tiles),
    section(tr('dashboard.report'), form, reportPart),
  );
}

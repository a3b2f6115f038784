import { h, s, uid } from './dom.js';
import { formatNumber, tr } from './i18n.js';

export interface Series {
  label: string;
  /** A CSS class that sets the bar colour (styles.css), so the SVG needs no style attribute. */
  className: string;
  values: number[];
}

/**
 * A grouped bar chart as inline SVG: role="img" with a title and a description that states every figure,
 * so a screen reader gets the whole chart; a visible legend; bars also carry their number as text.
 */
export function barChart(title: string, categories: string[], series: Series[]): HTMLElement {
  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  const max = Math.max(1, ...series.flatMap((item) => item.values));
  const barWidth = 22;
  const gap = 6;
  const groupWidth = series.length * barWidth + (series.length - 1) * 2 + gap * 2;
  const height = 160;
  const top = 18;
  const bottom = 28;
  const left = 8;
  const width = Math.max(240, left * 2 + categories.length * groupWidth);
  const plot = height - top - bottom;
  const description = categories
    .map(
      (category, i) =>
        `${category}: ${series.map((item) => `${item.label} ${formatNumber(item.values[i] ?? 0)}`).join(', ')}`,
    )
    .join('; ');

  const bars = categories.flatMap((category, i) => {
    const x0 = left + i * groupWidth + gap;
    const group = series.flatMap((item, j) => {
      const value = item.values[i] ?? 0;
      const barHeight = Math.round((value / max) * plot);
      const x = x0 + j * (barWidth + 2);
      const y = top + plot - barHeight;
      return [
        s('rect', {
          x,
          y,
          width: barWidth,
          height: Math.max(barHeight, value > 0 ? 1 : 0),
          class: `bar ${item.className}`,
        }),
        s(
          'text',
          { x: x + barWidth / 2, y: y - 4, class: 'bar-value', 'text-anchor': 'middle' },
          formatNumber(value),
        ),
      ];
    });
    return [
      ...group,
      s(
        'text',
        { x: x0 + (groupWidth - gap * 2) / 2, y: height - 8, class: 'axis-label', 'text-anchor': 'middle' },
        category,
      ),
    ];
  });

  const svg = s(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': `${titleId} ${descId}`,
      class: 'chart',
      focusable: 'false',
    },
    s('title', { id: titleId }, title),
    s('desc', { id: descId }, `${tr('dashboard.chartSummary')} ${description}`),
    s('line', { x1: left, x2: width - left, y1: top + plot, y2: top + plot, class: 'axis' }),
    ...bars,
  );
  const legend = h(
    'ul',
    { class: 'legend', 'aria-hidden': 'true' },
    series.map((item) => h('li', {}, h('span', { class: `swatch ${item.className}` }), item.label)),
  );
  return h(
    'figure',
    { class: 'chart-figure' },
    h('figcaption', {}, title),
    svg,
    series.length > 1 ? legend : null,
  );
}

/** Horizontal bars for a few named categories whose labels are too long to sit under a column. */
export function horizontalBarChart(
  title: string,
  rows: { label: string; value: number }[],
  className = 'brand',
): HTMLElement {
  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  const max = Math.max(1, ...rows.map((row) => row.value));
  const rowHeight = 30;
  const width = 320;
  const barArea = 200;
  const height = rows.length * rowHeight + 8;
  const description = rows.map((row) => `${row.label}: ${formatNumber(row.value)}`).join('; ');
  const svg = s(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': `${titleId} ${descId}`,
      class: 'chart',
      focusable: 'false',
    },
    s('title', { id: titleId }, title),
    s('desc', { id: descId }, `${tr('dashboard.chartSummary')} ${description}`),
    ...rows.flatMap((row, i) => {
      const y = 4 + i * rowHeight;
      const barWidth = Math.round((row.value / max) * barArea);
      return [
        s('text', { x: 0, y: y + 10, class: 'axis-label' }, row.label),
        s('rect', {
          x: 0,
          y: y + 14,
          width: Math.max(barWidth, row.value > 0 ? 1 : 0),
          height: 10,
          class: `bar ${className}`,
        }),
        s('text', { x: barWidth + 4, y: y + 23, class: 'bar-value' }, formatNumber(row.value)),
      ];
    }),
  );
  return h('figure', { class: 'chart-figure' }, h('figcaption', {}, title), svg);
}

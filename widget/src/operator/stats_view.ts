// The statistics page for supervisors (protocol.md §11.5 GET /api/stats, /api/stats.csv): a
// range of ISO weeks grouped by week or month, one table per dimension (topic, age band,
// language, outcome) with periods as columns, a bar chart of topics, the waiting-time histogram,
// and the CSV exactly as the server wrote it (suppressed cells "<5"), downloaded from memory.

import { el } from '../shared/dom';
import type { ConsoleApi, StatsGroup, StatsReport } from '../console/api';
import {
  formatDuration,
  kAgeBandLabels,
  kCategoryLabels,
  kLanguageLabels,
  kOutcomeLabels,
  label,
  t,
  type ConsoleKey,
  type Language,
} from '../console/i18n/catalog';
import { kDefaultTaxonomy } from '../console/control';
import { kAgeBands } from '../console/wrap_up';
import { button, statusLine, uid } from '../console/ui/forms';
import { barChart } from './charts';
import { chartValue, formatCell, isIsoWeek, isoWeekBefore, isoWeekOf, kDimensions, tableBy, type CellSum, type Dimension } from './stats_report';

const kLabels: Record<Dimension, Readonly<Record<string, { readonly bg: string; readonly en: string }>>> = {
  category: kCategoryLabels,
  ageBand: kAgeBandLabels,
  language: kLanguageLabels,
  outcome: kOutcomeLabels,
};

const kOrder: Record<Dimension, readonly string[]> = {
  category: [...kDefaultTaxonomy.categories, 'uncategorised'],
  ageBand: [...kAgeBands, 'unspecified'],
  language: ['bg', 'en', 'unspecified'],
  outcome: [...kDefaultTaxonomy.outcomes],
};

export class StatsView {
  readonly root: HTMLElement;
  private readonly from_: HTMLInputElement;
  private readonly to_: HTMLInputElement;
  private readonly group_: HTMLSelectElement;
  private readonly status_ = statusLine();
  private readonly results_: HTMLElement;

  constructor(
    private readonly language_: Language,
    private readonly api_: ConsoleApi,
    now: Date,
  ) {
    const language = language_;
    const fromId = uid('from');
    const toId = uid('to');
    const groupId = uid('group');
    this.from_ = el('input', { type: 'week', id: fromId, name: 'from', required: true, value: isoWeekBefore(now, 11) });
    this.to_ = el('input', { type: 'week', id: toId, name: 'to', required: true, value: isoWeekOf(now) });
    this.group_ = el(
      'select',
      { id: groupId, name: 'group' },
      el('option', { value: 'week' }, t(language, 'stats.week')),
      el('option', { value: 'month' }, t(language, 'stats.month')),
    );
    const csv = button(t(language, 'stats.csv'), { class: 'button', id: 'stats-csv' }, () => void this.downloadCsv());
    const form = el(
      'form',
      { class: 'stats-form', novalidate: true },
      el('div', { class: 'field' }, el('label', { for: fromId }, t(language, 'stats.from')), this.from_),
      el('div', { class: 'field' }, el('label', { for: toId }, t(language, 'stats.to')), this.to_),
      el('div', { class: 'field' }, el('label', { for: groupId }, t(language, 'stats.group')), this.group_),
      el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'button primary' }, t(language, 'stats.show')), csv),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.load();
    });
    this.results_ = el('div', { class: 'stats-results' });
    this.root = el(
      'section',
      { class: 'stats-view', 'aria-labelledby': 'stats-heading' },
      el('h1', { id: 'stats-heading', class: 'view-heading', tabindex: '-1' }, t(language, 'stats.heading')),
      form,
      this.status_.root,
      el('p', { class: 'hint' }, t(language, 'stats.suppressionNote')),
      el('p', { class: 'hint' }, t(language, 'stats.categoryNote')),
      this.results_,
    );
  }

  /** Reads the form; null (and a message) when the range is not valid. */
  private readQuery(): { from: string; to: string; group: StatsGroup } | null {
    const from = this.from_.value;
    const to = this.to_.value;
    if (!isIsoWeek(from) || !isIsoWeek(to) || from > to) {
      this.status_.show('error', t(this.language_, 'stats.badRange'));
      return null;
    }
    return { from, to, group: this.group_.value === 'month' ? 'month' : 'week' };
  }

  async load(): Promise<void> {
    const query = this.readQuery();
    if (query === null) return;
    this.status_.show('progress', t(this.language_, 'stats.loading'));
    const report = await this.api_.stats(query);
    if (!report.ok) {
      const key: ConsoleKey = report.error.code === 'not_allowed' ? 'stats.notAllowed' : report.error.code === 'network' ? 'error.network' : 'error.generic';
      this.status_.show('error', t(this.language_, key, { code: report.error.code }));
      return;
    }
    this.status_.show(null);
    this.render(report.value);
  }

  private async downloadCsv(): Promise<void> {
    const query = this.readQuery();
    if (query === null) return;
    const csv = await this.api_.statsCsv(query);
    if (!csv.ok) {
      this.status_.show('error', t(this.language_, csv.error.code === 'not_allowed' ? 'stats.notAllowed' : 'error.generic', { code: csv.error.code }));
      return;
    }
    const url = URL.createObjectURL(new Blob([csv.value], { type: 'text/csv;charset=utf-8' }));
    const link = el('a', { href: url, download: `haven-stats-${query.from}-${query.to}-${query.group}.csv`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private render(report: StatsReport): void {
    const language = this.language_;
    if (report.rows.length === 0) {
      this.results_.replaceChildren(el('p', { class: 'empty-state' }, t(language, 'stats.empty')));
      return;
    }
    const number = (n: number) => n.toLocaleString(language);
    const sections = kDimensions.map((dimension) => {
      const table = tableBy(report.rows, dimension, kOrder[dimension]);
      const headingId = uid('stats');
      const total = (value: string): CellSum =>
        table.periods.reduce<CellSum>((sum, period) => {
          const cell = table.cell(period, value);
          return { known: sum.known + cell.known, suppressed: sum.suppressed + cell.suppressed };
        }, { known: 0, suppressed: 0 });
      const chart =
        dimension === 'category'
          ? el(
              'figure',
              { class: 'chart-figure' },
              el('figcaption', {}, t(language, 'stats.chartCategory')),
              barChart(
                t(language, 'stats.chartCategory'),
                table.values.map((_value, index) => String(index + 1)),
                table.values.map((value) => chartValue(total(value))),
                number,
                { width: 420, height: 220, left: 36, bottom: 24, top: 10, right: 8 },
              ),
              el('ol', { class: 'chart-key' }, ...table.values.map((value) => el('li', {}, label(kLabels[dimension], value, language)))),
            )
          : null;
      return el(
        'section',
        { class: 'stats-table', 'data-dimension': dimension, 'aria-labelledby': headingId },
        el('h2', { id: headingId }, t(language, `stats.by.${dimension}` as ConsoleKey)),
        el(
          'div',
          { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': headingId },
          el(
            'table',
            { class: 'data' },
            el(
              'thead',
              {},
              el('tr', {}, el('th', { scope: 'col' }, t(language, 'stats.value')), ...table.periods.map((period) => el('th', { scope: 'col' }, period)), el('th', { scope: 'col' }, t(language, 'stats.total'))),
            ),
            el(
              'tbody',
              {},
              ...table.values.map((value) =>
                el(
                  'tr',
                  { 'data-value': value },
                  el('th', { scope: 'row' }, label(kLabels[dimension], value, language)),
                  ...table.periods.map((period) => cellElement(table.cell(period, value), number)),
                  cellElement(total(value), number),
                ),
              ),
            ),
          ),
        ),
        chart,
      );
    });
    const histogram = this.histogram(report);
    this.results_.replaceChildren(...sections, ...(histogram === null ? [] : [histogram]));
  }

  private histogram(report: StatsReport): HTMLElement | null {
    const language = this.language_;
    const wait = report.histograms.filter((histogram) => histogram.kind === 'wait');
    const first = wait[0];
    if (first === undefined) return null;
    const bucketLabels = first.counts.map((_count, index) => {
      const bound = first.boundsSeconds[index];
      return bound === undefined
        ? t(language, 'stats.bucketOver', { time: formatDuration(first.boundsSeconds[first.boundsSeconds.length - 1] ?? 0, language) })
        : t(language, 'stats.bucketUpTo', { time: formatDuration(bound, language) });
    });
    const number = (n: number) => n.toLocaleString(language);
    return el(
      'section',
      { class: 'stats-table', 'data-dimension': 'wait' },
      el('h2', {}, t(language, 'stats.waitHeading')),
      el(
        'div',
        { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t(language, 'stats.waitHeading') },
        el(
          'table',
          { class: 'data' },
          el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t(language, 'stats.value')), ...wait.map((histogram) => el('th', { scope: 'col' }, histogram.period)))),
          el(
            'tbody',
            {},
            ...bucketLabels.map((bucket, index) =>
              el(
                'tr',
                {},
                el('th', { scope: 'row' }, bucket),
                ...wait.map((histogram) => {
                  const count = histogram.counts[index];
                  return cellElement(count === null ? { known: 0, suppressed: 1 } : { known: count ?? 0, suppressed: 0 }, number);
                }),
              ),
            ),
          ),
        ),
      ),
    );
  }
}

function cellElement(cell: CellSum, number: (n: number) => string): HTMLElement {
  return el('td', { class: cell.suppressed > 0 ? 'suppressed' : null }, formatCell(cell, number));
}

// The statistics page for supervisors (protocol.md §11.5 GET /api/stats, /api/stats.csv): a
// range of ISO weeks grouped by week or month; the server's one-dimension tables (conversations,
// topic, age band, language, outcome) with periods as columns, shown exactly as sent; a bar
// chart of conversations per period; the waiting-time and conversation-length histograms; and
// the CSV exactly as the server wrote it, downloaded from memory. No total over the whole range:
// beside the periods it would let a reader work out a hidden count by subtraction.

import { el } from '../shared/dom';
import { kStatsDimensions, type ConsoleApi, type StatsDimension, type StatsGroup, type StatsHistogram, type StatsReport } from '../console/api';
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
import { formatCount, hasConversations, isIsoWeek, isoWeekBefore, isoWeekOf, periodHeadings, tableOf } from './stats_report';

type Labels = Readonly<Record<string, { readonly bg: string; readonly en: string }>>;

const kLabels: Record<StatsDimension, Labels> = {
  conversations: { '': { bg: 'Всички разговори', en: 'All conversations' } },
  category: kCategoryLabels,
  age_band: kAgeBandLabels,
  language: kLanguageLabels,
  outcome: kOutcomeLabels,
};

const kOrder: Record<StatsDimension, readonly string[]> = {
  conversations: [''],
  category: [...kDefaultTaxonomy.categories, 'uncategorised'],
  age_band: [...kAgeBands, 'unspecified'],
  language: ['bg', 'en', 'unspecified'],
  outcome: [...kDefaultTaxonomy.outcomes],
};

const kHeadings: Record<StatsDimension, ConsoleKey> = {
  conversations: 'stats.by.conversations',
  category: 'stats.by.category',
  age_band: 'stats.by.ageBand',
  language: 'stats.by.language',
  outcome: 'stats.by.outcome',
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
      el('p', { class: 'hint' }, t(language, 'stats.oneDimensionNote')),
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
    if (!hasConversations(report)) {
      this.results_.replaceChildren(el('p', { class: 'empty-state' }, t(language, 'stats.empty')));
      return;
    }
    const sections = kStatsDimensions.map((dimension) => this.table(report, dimension));
    const histograms = (['wait', 'handling'] as const).map((kind) => this.histogram(report, kind)).filter((section) => section !== null);
    this.results_.replaceChildren(...sections, ...histograms);
  }

  private table(report: StatsReport, dimension: StatsDimension): HTMLElement {
    const language = this.language_;
    const number = (n: number) => n.toLocaleString(language);
    const suppressed = t(language, 'stats.suppressed');
    const table = tableOf(report, dimension, kOrder[dimension]);
    const headingId = uid('stats');
    const monthly = table.periods.some((period) => !period.includes('-W'));
    const chart =
      dimension === 'conversations'
        ? el(
            'figure',
            { class: 'chart-figure' },
            el('figcaption', {}, t(language, monthly ? 'stats.chartMonths' : 'stats.chartWeeks')),
            barChart(
              t(language, monthly ? 'stats.chartMonths' : 'stats.chartWeeks'),
              table.periods.map((period) => (monthly ? period : period.slice(5))),
              table.periods.map((period) => table.count(period, '')),
              number,
              { width: 640, height: 200, left: 36, bottom: 24, top: 10, right: 8 },
            ),
          )
        : null;
    return el(
      'section',
      { class: 'stats-table', 'data-dimension': dimension, 'aria-labelledby': headingId },
      el('h2', { id: headingId }, t(language, kHeadings[dimension])),
      dimension === 'category' ? el('p', { class: 'hint' }, t(language, 'stats.categoryNote')) : null,
      el(
        'div',
        { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': headingId },
        el(
          'table',
          { class: 'data' },
          el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t(language, 'stats.value')), ...periodCells(table.periods))),
          el(
            'tbody',
            {},
            ...table.values.map((value) =>
              el(
                'tr',
                { 'data-value': value },
                el('th', { scope: 'row' }, label(kLabels[dimension], value, language)),
                ...table.periods.map((period) => cellElement(table.count(period, value), suppressed, number)),
              ),
            ),
          ),
        ),
      ),
      chart,
    );
  }

  private histogram(report: StatsReport, kind: StatsHistogram['kind']): HTMLElement | null {
    const language = this.language_;
    const byPeriod = new Map(report.histograms.filter((histogram) => histogram.kind === kind).map((histogram) => [histogram.period, histogram]));
    const first = byPeriod.values().next().value;
    if (first === undefined) return null;
    // A period without a histogram had no conversation with that time: all its buckets are 0.
    const counts = (period: string, index: number) => {
      const histogram = byPeriod.get(period);
      return histogram === undefined ? 0 : bucketCount(histogram, index);
    };
    const heading = t(language, kind === 'wait' ? 'stats.waitHeading' : 'stats.handlingHeading');
    const bucketLabels = first.counts.map((_count, index) => {
      const bound = first.boundsSeconds[index];
      return bound === undefined
        ? t(language, 'stats.bucketOver', { time: formatDuration(first.boundsSeconds[first.boundsSeconds.length - 1] ?? 0, language) })
        : t(language, 'stats.bucketUpTo', { time: formatDuration(bound, language) });
    });
    const number = (n: number) => n.toLocaleString(language);
    const suppressed = t(language, 'stats.suppressed');
    return el(
      'section',
      { class: 'stats-table', 'data-dimension': kind },
      el('h2', {}, heading),
      el(
        'div',
        { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': heading },
        el(
          'table',
          { class: 'data' },
          el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t(language, 'stats.value')), ...periodCells(report.periods))),
          el(
            'tbody',
            {},
            ...bucketLabels.map((bucket, index) =>
              el('tr', {}, el('th', { scope: 'row' }, bucket), ...report.periods.map((period) => cellElement(counts(period, index), suppressed, number))),
            ),
          ),
        ),
      ),
    );
  }
}

function periodCells(periods: readonly string[]): HTMLElement[] {
  return periodHeadings(periods).map(({ year, label }) =>
    el('th', { scope: 'col', class: 'period' }, year === null ? null : el('span', { class: 'period-year' }, year, ' '), label),
  );
}

/** A bucket's count as sent (null: suppressed); 0 if the server sent fewer buckets. */
function bucketCount(histogram: StatsHistogram, index: number): number | null {
  const count = histogram.counts[index];
  return count === undefined ? 0 : count;
}

function cellElement(count: number | null, suppressed: string, number: (n: number) => string): HTMLElement {
  return el('td', { class: count === null ? 'suppressed' : null }, formatCount(count, suppressed, number));
}

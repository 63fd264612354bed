// The statistics page's arithmetic (pure): ISO week names for the query, and the server's
// one-dimension tables laid out for display. Nothing is summed or derived here: the server
// suppresses counts in storage (storage/stats_suppression.h, k = 5), including counts that
// would give a small one away by subtraction, and the page shows exactly what it was sent.
// A suppressed count is shown as a word, never as "<5": some suppressed counts are five or more.

import type { StatsDimension, StatsReport } from '../console/api';

export interface DimensionTable {
  readonly dimension: StatsDimension;
  readonly periods: readonly string[];
  /** The values of this dimension in the report: those of `order` first, in that order, then the rest sorted. */
  readonly values: readonly string[];
  /** The count as sent (null: suppressed); 0 for a period the server sent no row for. */
  count(period: string, value: string): number | null;
}

/** `dimension`'s table of `report`, periods as the server listed them. */
export function tableOf(report: StatsReport, dimension: StatsDimension, order: readonly string[] = []): DimensionTable {
  const counts = new Map<string, number | null>();
  const seen = new Set<string>();
  for (const table of report.tables) {
    if (table.dimension !== dimension) continue;
    for (const row of table.rows) {
      seen.add(row.value);
      counts.set(`${row.period}\u0000${row.value}`, row.count);
    }
  }
  const values = [...order.filter((code) => seen.has(code)), ...[...seen].filter((code) => !order.includes(code)).sort()];
  return {
    dimension,
    periods: report.periods,
    values,
    count: (period, value) => {
      const count = counts.get(`${period}\u0000${value}`);
      return count === undefined ? 0 : count;
    },
  };
}

/** How a count reads: the number, or `suppressed` (the catalog's word) when it is hidden. */
export function formatCount(count: number | null, suppressed: string, formatNumber: (n: number) => string = String): string {
  return count === null ? suppressed : formatNumber(count);
}

/**
 * Column headings for `periods`: a week as "W07" under its year, the year written only on the
 * first column and where it changes, so twelve weeks fit on a screen; a month ("2026-03") as it is.
 */
export function periodHeadings(periods: readonly string[]): { readonly year: string | null; readonly label: string }[] {
  let year: string | null = null;
  return periods.map((period) => {
    const week = /^(\d{4})-(W\d{2})$/.exec(period);
    if (week === null) return { year: null, label: period };
    const changed = week[1] !== year;
    year = week[1]!;
    return { year: changed ? year : null, label: week[2]! };
  });
}

/** Whether `report` counts any conversation at all (suppressed counts are at least one). */
export function hasConversations(report: StatsReport): boolean {
  return report.tables.some((table) => table.dimension === 'conversations' && table.rows.some((row) => row.count !== 0));
}

// --- ISO weeks ---

/** The ISO 8601 week of a UTC date, as "2025-W03". */
export function isoWeekOf(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() === 0 ? 7 : day.getUTCDay();
  day.setUTCDate(day.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const year = day.getUTCFullYear();
  const week = Math.ceil(((day.getTime() - Date.UTC(year, 0, 1)) / 86400000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The week `weeks` before (negative: after) the week of `date`. */
export function isoWeekBefore(date: Date, weeks: number): string {
  return isoWeekOf(new Date(date.getTime() - weeks * 7 * 86400000));
}

/** "2026-W07" naming a real week: week 53 only in a year that has one (as the server checks). */
export function isIsoWeek(text: string): boolean {
  const match = /^(\d{4})-W(\d{2})$/.exec(text);
  if (match === null || Number(match[2]) < 1 || Number(match[2]) > 53) return false;
  // Week 1 holds 4 January: from its Thursday, step to this week's and see where it lands.
  const fourth = new Date(Date.UTC(Number(match[1]), 0, 4));
  const weekday = fourth.getUTCDay() === 0 ? 7 : fourth.getUTCDay();
  const thursday = new Date(fourth.getTime() + ((4 - weekday) + 7 * (Number(match[2]) - 1)) * 86400000);
  return isoWeekOf(thursday) === text;
}

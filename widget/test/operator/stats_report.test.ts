import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StatsReport } from '../../src/console/api';
import { barGeometry, kDefaultFrame, linePath, niceScale, xAt, yAt } from '../../src/operator/charts';
import { formatCount, hasConversations, isIsoWeek, isoWeekBefore, isoWeekOf, periodHeadings, tableOf } from '../../src/operator/stats_report';

const kReport: StatsReport = {
  periods: ['2026-W10', '2026-W11'],
  tables: [
    { dimension: 'conversations', rows: [{ period: '2026-W10', value: '', count: 12 }, { period: '2026-W11', value: '', count: null }] },
    {
      dimension: 'category',
      rows: [
        { period: '2026-W10', value: 'stalking', count: 7 },
        { period: '2026-W10', value: 'other', count: null },
        { period: '2026-W10', value: 'child_abuse', count: 0 },
        { period: '2026-W11', value: 'child_abuse', count: null },
      ],
    },
    { dimension: 'age_band', rows: [] },
  ],
  histograms: [],
};

test('tables are the server’s, laid out by value and period, nothing summed', () => {
  const table = tableOf(kReport, 'category', ['child_abuse', 'stalking', 'other']);
  assert.deepEqual(table.periods, ['2026-W10', '2026-W11'], 'every period the server listed');
  assert.deepEqual(table.values, ['child_abuse', 'stalking', 'other'], 'the taxonomy’s order');
  assert.equal(table.count('2026-W10', 'stalking'), 7);
  assert.equal(table.count('2026-W10', 'other'), null, 'suppressed stays suppressed');
  assert.equal(table.count('2026-W11', 'stalking'), 0, 'no row: none');
  assert.deepEqual(tableOf(kReport, 'category').values, ['child_abuse', 'other', 'stalking'], 'codes outside the order: sorted');
  assert.deepEqual(tableOf(kReport, 'conversations').values, ['']);
  assert.deepEqual(tableOf(kReport, 'age_band').values, []);
  assert.deepEqual(tableOf(kReport, 'outcome').values, [], 'a table the server did not send is empty');
});

test('a count reads as the number or as the word for hidden, never as a range or "<5"', () => {
  assert.equal(formatCount(0, 'hidden'), '0');
  assert.equal(formatCount(17, 'hidden'), '17');
  assert.equal(formatCount(null, 'скрито'), 'скрито');
  assert.equal(formatCount(1200, 'hidden', (n) => n.toLocaleString('bg')), (1200).toLocaleString('bg'));
});

test('period headings: the year once and where it changes; months as they are', () => {
  assert.deepEqual(periodHeadings(['2026-W52', '2026-W53', '2027-W01']), [
    { year: '2026', label: 'W52' },
    { year: null, label: 'W53' },
    { year: '2027', label: 'W01' },
  ]);
  assert.deepEqual(periodHeadings(['2026-11', '2026-12']), [
    { year: null, label: '2026-11' },
    { year: null, label: '2026-12' },
  ]);
});

test('a report without conversations is empty; a hidden count is not', () => {
  assert.ok(hasConversations(kReport));
  const none: StatsReport = { ...kReport, tables: [{ dimension: 'conversations', rows: [{ period: '2026-W10', value: '', count: 0 }] }] };
  assert.ok(!hasConversations(none));
  const hidden: StatsReport = { ...kReport, tables: [{ dimension: 'conversations', rows: [{ period: '2026-W10', value: '', count: null }] }] };
  assert.ok(hasConversations(hidden));
});

test('ISO weeks: the Thursday decides the year', () => {
  assert.equal(isoWeekOf(new Date(Date.UTC(2021, 0, 3))), '2020-W53');
  assert.equal(isoWeekOf(new Date(Date.UTC(2021, 0, 4))), '2021-W01');
  assert.equal(isoWeekOf(new Date(Date.UTC(2024, 11, 30))), '2025-W01');
  assert.equal(isoWeekOf(new Date(Date.UTC(2026, 10, 26))), '2026-W48');
  assert.equal(isoWeekBefore(new Date(Date.UTC(2026, 0, 8)), 2), '2025-W52');
  assert.ok(isIsoWeek('2026-W01') && !isIsoWeek('2026-W54') && !isIsoWeek('2026-01'));
  assert.ok(isIsoWeek('2026-W53') && isIsoWeek('2020-W53') && !isIsoWeek('2025-W53') && !isIsoWeek('2026-W00'), 'week 53 only in a year that has one');
});

test('charts: nice scales, points inside the frame, bars side by side', () => {
  assert.deepEqual(niceScale(0), { max: 1, ticks: [0, 1] });
  assert.deepEqual(niceScale(17), { max: 20, ticks: [0, 5, 10, 15, 20] });
  assert.deepEqual(niceScale(3), { max: 3, ticks: [0, 1, 2, 3] });
  const frame = kDefaultFrame;
  assert.equal(xAt(frame, 0, 5), frame.left);
  assert.equal(xAt(frame, 4, 5), frame.width - frame.right);
  assert.equal(yAt(frame, 0, 10), frame.height - frame.bottom);
  assert.equal(yAt(frame, 10, 10), frame.top);
  assert.equal(yAt(frame, 99, 10), frame.top, 'clamped');
  assert.equal(linePath(frame, [0, 10], 10), `M${frame.left} ${frame.height - frame.bottom} L${frame.width - frame.right} ${frame.top}`);
  const bars = barGeometry(frame, [5, 10], 10);
  assert.equal(bars.length, 2);
  assert.ok(bars[0]!.x + bars[0]!.width < bars[1]!.x, 'a gap between bars');
  assert.equal(bars[1]!.y, frame.top);
  assert.equal(bars[1]!.height, frame.height - frame.top - frame.bottom);
});

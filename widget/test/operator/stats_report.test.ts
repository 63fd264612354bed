import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StatsRow } from '../../src/console/api';
import { barGeometry, kDefaultFrame, linePath, niceScale, xAt, yAt } from '../../src/operator/charts';
import { bounds, chartValue, formatCell, isIsoWeek, isoWeekBefore, isoWeekOf, tableBy } from '../../src/operator/stats_report';

function row(period: string, category: string, count: number | null, extra: Partial<StatsRow> = {}): StatsRow {
  return { period, category, ageBand: '13-17', language: 'bg', outcome: 'referred', count, ...extra };
}

test('tables sum by one dimension and period, keeping suppressed cells apart', () => {
  const rows = [
    row('2026-W10', 'stalking', 7),
    row('2026-W10', 'stalking', null, { language: 'en' }),
    row('2026-W10', 'other', null),
    row('2026-W11', 'stalking', 5),
    row('2026-W11', 'child_abuse', 12),
  ];
  const table = tableBy(rows, 'category', ['child_abuse', 'stalking', 'other']);
  assert.deepEqual(table.periods, ['2026-W10', '2026-W11']);
  assert.deepEqual(table.values, ['child_abuse', 'stalking', 'other'], 'the taxonomy’s order');
  assert.deepEqual(table.cell('2026-W10', 'stalking'), { known: 7, suppressed: 1 });
  assert.deepEqual(table.cell('2026-W11', 'other'), { known: 0, suppressed: 0 });
  const languages = tableBy(rows, 'language');
  assert.deepEqual(languages.values, ['bg', 'en'], 'codes outside the order: sorted');
  assert.deepEqual(languages.cell('2026-W11', 'bg'), { known: 17, suppressed: 0 });
});

test('cells never show a number under five: exact, "<5", or the range suppressed cells allow', () => {
  assert.equal(formatCell({ known: 0, suppressed: 0 }), '0');
  assert.equal(formatCell({ known: 17, suppressed: 0 }), '17');
  assert.equal(formatCell({ known: 0, suppressed: 1 }), '<5');
  assert.equal(formatCell({ known: 0, suppressed: 2 }), '2–8');
  assert.equal(formatCell({ known: 7, suppressed: 1 }), '8–11');
  assert.deepEqual(bounds({ known: 5, suppressed: 3 }), { low: 8, high: 17 });
  assert.equal(formatCell({ known: 1200, suppressed: 0 }, (n) => n.toLocaleString('bg')), (1200).toLocaleString('bg'));
  assert.equal(chartValue({ known: 0, suppressed: 2 }), null);
  assert.equal(chartValue({ known: 9, suppressed: 0 }), 9);
});

test('ISO weeks: the Thursday decides the year', () => {
  assert.equal(isoWeekOf(new Date(Date.UTC(2021, 0, 3))), '2020-W53');
  assert.equal(isoWeekOf(new Date(Date.UTC(2021, 0, 4))), '2021-W01');
  assert.equal(isoWeekOf(new Date(Date.UTC(2024, 11, 30))), '2025-W01');
  assert.equal(isoWeekOf(new Date(Date.UTC(2026, 10, 26))), '2026-W48');
  assert.equal(isoWeekBefore(new Date(Date.UTC(2026, 0, 8)), 2), '2025-W52');
  assert.ok(isIsoWeek('2026-W01') && !isIsoWeek('2026-W54') && !isIsoWeek('2026-01'));
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

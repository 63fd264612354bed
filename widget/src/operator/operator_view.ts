// The operator view for supervisors (protocol.md §11.4): the helpline as a whole from the live
// `operator_snapshot`s (no chat, visitor or counselor is ever named in them), as figures and two
// charts of the last 24 hours, each chart with the same numbers as a table for screen readers.
// Redrawn whenever a snapshot arrives (every 2 seconds while anything changes).

import { el } from '../shared/dom';
import type { OperatorSnapshot } from '../console/control';
import { formatDuration, kLaneLabels, label, t, type Language } from '../console/i18n/catalog';
import { lineChart } from './charts';

function timeOfDay(language: Language, unixSeconds: number): string {
  return new Intl.DateTimeFormat(language === 'bg' ? 'bg-BG' : 'en-GB', { hour: '2-digit', minute: '2-digit' }).format(unixSeconds * 1000);
}

function figure(id: string, title: string, value: string, detail: string | null = null): HTMLElement {
  return el('div', { class: 'figure', id }, el('dt', {}, title), el('dd', {}, el('span', { class: 'value' }, value), detail === null ? null : el('span', { class: 'detail' }, detail)));
}

export class OperatorView {
  readonly root: HTMLElement;
  private readonly figures_: HTMLElement;
  private readonly charts_: HTMLElement;
  private readonly updated_: HTMLElement;
  private last_: OperatorSnapshot | null = null;

  constructor(private readonly language_: Language) {
    this.figures_ = el('dl', { class: 'figures' });
    this.charts_ = el('div', { class: 'charts' });
    this.updated_ = el('p', { class: 'hint updated' }, t(language_, 'operator.waitingFor'));
    this.root = el(
      'section',
      { class: 'operator-view', 'aria-labelledby': 'operator-heading' },
      el('h1', { id: 'operator-heading', class: 'view-heading', tabindex: '-1' }, t(language_, 'operator.heading')),
      this.updated_,
      this.figures_,
      this.charts_,
    );
  }

  update(snapshot: OperatorSnapshot | null): void {
    if (snapshot === null || snapshot === this.last_) return;
    const language = this.language_;
    const openTables = Array.from(this.charts_.querySelectorAll('details')).map((details) => details.open);
    this.last_ = snapshot;
    const waiting = snapshot.waiting.danger + snapshot.waiting.minor + snapshot.waiting.general;
    const level = snapshot.serviceLevel === null ? t(language, 'operator.noServiceLevel') : `${Math.round(snapshot.serviceLevel * 100)}%`;
    this.figures_.replaceChildren(
      figure(
        'op-waiting',
        t(language, 'operator.waiting'),
        waiting.toLocaleString(language),
        `${t(language, 'operator.byLane')}: ${(['danger', 'minor', 'general'] as const).map((lane) => `${label(kLaneLabels, lane, language)} ${snapshot.waiting[lane]}`).join(' · ')}`,
      ),
      figure('op-longest', t(language, 'operator.longest'), formatDuration(snapshot.longestWaitSeconds, language)),
      figure('op-median', t(language, 'operator.median'), formatDuration(snapshot.medianWaitSeconds, language)),
      figure(
        'op-estimate',
        t(language, 'operator.estimate'),
        snapshot.estimate === null
          ? t(language, 'operator.noEstimate')
          : t(language, 'operator.estimateRange', { low: snapshot.estimate.lowMinutes, high: snapshot.estimate.highMinutes }),
      ),
      figure('op-on-duty', t(language, 'operator.onDuty'), String(snapshot.counselorsOnDuty), t(language, 'operator.available', { count: snapshot.counselorsAvailable })),
      figure('op-capacity', t(language, 'operator.capacity'), String(snapshot.freeCapacity), t(language, 'operator.capacityOf', { free: snapshot.freeCapacity, capacity: snapshot.capacity })),
      figure('op-active', t(language, 'operator.active'), String(snapshot.activeChats)),
      figure('op-answered', t(language, 'operator.answered'), String(snapshot.answeredLastHour)),
      figure('op-abandoned', t(language, 'operator.abandoned'), String(snapshot.abandonedLastHour)),
      figure('op-service-level', t(language, 'operator.serviceLevel'), level, t(language, 'operator.serviceLevelHint', { target: formatDuration(snapshot.serviceLevelTargetSeconds, language) })),
    );
    this.updated_.textContent = t(language, 'operator.updated', { time: timeOfDay(language, snapshot.at) });
    this.renderCharts(snapshot);
    this.charts_.querySelectorAll('details').forEach((details, index) => {
      details.open = openTables[index] ?? false;
    });
  }

  private renderCharts(snapshot: OperatorSnapshot): void {
    const language = this.language_;
    const history = snapshot.history;
    const labels = history.map((bucket) => timeOfDay(language, bucket.at));
    const every = Math.max(1, Math.ceil(history.length / 6));
    const number = (n: number) => n.toLocaleString(language);
    const chart = (title: string, names: [string, string], series: [number[], number[]]) =>
      el(
        'figure',
        { class: 'chart-figure' },
        el('figcaption', {}, title, el('span', { class: 'legend' }, el('span', { class: 'key series-0' }, names[0]), el('span', { class: 'key series-1' }, names[1]))),
        lineChart(title, labels, [{ label: names[0], values: series[0] }, { label: names[1], values: series[1] }], number, every),
        el(
          'details',
          {},
          el('summary', {}, t(language, 'operator.table')),
          el(
            'table',
            { class: 'data' },
            el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t(language, 'operator.time')), el('th', { scope: 'col' }, names[0]), el('th', { scope: 'col' }, names[1]))),
            el('tbody', {}, ...history.map((_bucket, index) => el('tr', {}, el('th', { scope: 'row' }, labels[index] ?? ''), el('td', {}, number(series[0][index] ?? 0)), el('td', {}, number(series[1][index] ?? 0))))),
          ),
        ),
      );
    this.charts_.replaceChildren(
      chart(t(language, 'operator.chartLoad'), [t(language, 'operator.seriesWaiting'), t(language, 'operator.seriesActive')], [history.map((b) => b.waiting), history.map((b) => b.active)]),
      chart(t(language, 'operator.chartFlow'), [t(language, 'operator.seriesAnswered'), t(language, 'operator.seriesAbandoned')], [history.map((b) => b.answered), history.map((b) => b.abandoned)]),
    );
  }
}

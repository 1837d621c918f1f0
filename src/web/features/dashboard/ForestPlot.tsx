import * as Plot from '@observablehq/plot';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { formatPercent } from '#schemas/endpoints/format';
import { NPV_THRESHOLD, type NpvRow } from '#schemas/endpoints/npv';
import { PlotFigure } from './PlotFigure';

export const INK = '#1b1f24';
export const BRAND = '#1d4e89';
export const MUTED = '#4f5b66';
export const THRESHOLD = '#b3261e';

/**
 * The NPV of every row with its 90 % CI against the 0.85 threshold (the protocol's test:
 * the study succeeds if the lower limit lies right of the line). Rows without lesions keep
 * their place, empty.
 */
export function forestPlot(
  rows: readonly NpvRow[],
  label: (r: NpvRow) => string,
  text: { axis: string; threshold: string; aria: string },
): SVGSVGElement {
  const data = rows.flatMap((r) =>
    r.p === null || r.ci === null
      ? []
      : [{ label: label(r), p: r.p, lo: r.ci[0], hi: r.ci[1], primary: r.group === 'primary' }],
  );
  const estimate = (d: (typeof data)[number]) =>
    `${formatPercent(d.p)} (${formatPercent(d.lo)}–${formatPercent(d.hi)})`;
  const svg = Plot.plot({
    className: 'dash-plot',
    width: 860,
    height: 40 + 26 * rows.length,
    marginLeft: 280,
    marginRight: 130,
    marginTop: 28,
    ariaLabel: text.aria,
    x: { domain: [0, 100], percent: true, label: text.axis, grid: true },
    y: { domain: rows.map(label), label: null },
    marks: [
      Plot.ruleX([NPV_THRESHOLD], { stroke: THRESHOLD, strokeDasharray: '5 3', strokeWidth: 1.5 }),
      Plot.text([NPV_THRESHOLD], {
        x: (v: number) => v,
        frameAnchor: 'top',
        dy: -14,
        text: () => text.threshold,
        fill: THRESHOLD,
      }),
      Plot.ruleY(data, {
        y: 'label',
        x1: 'lo',
        x2: 'hi',
        stroke: (d: (typeof data)[number]) => (d.primary ? BRAND : MUTED),
        strokeWidth: 2,
      }),
      Plot.dot(data, {
        x: 'p',
        y: 'label',
        r: (d: (typeof data)[number]) => (d.primary ? 6 : 4.5),
        fill: (d: (typeof data)[number]) => (d.primary ? BRAND : MUTED),
        symbol: (d: (typeof data)[number]) => (d.primary ? 'diamond' : 'circle'),
      }),
      Plot.text(data, {
        x: 1,
        y: 'label',
        text: estimate,
        textAnchor: 'start',
        dx: 10,
        fill: INK,
      }),
    ],
  }) as SVGSVGElement;
  svg.setAttribute('role', 'img');
  return svg;
}

export function ForestPlot({
  rows,
  label,
}: {
  rows: readonly NpvRow[];
  label: (r: NpvRow) => string;
}) {
  const { t } = useTranslation();
  const render = useCallback(
    () =>
      forestPlot(rows, label, {
        axis: t('dashboard.forest.axis'),
        threshold: t('dashboard.forest.threshold'),
        aria: t('dashboard.forest.aria'),
      }),
    [rows, label, t],
  );
  return <PlotFigure render={render} className="dash-figure" />;
}

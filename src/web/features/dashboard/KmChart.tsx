import * as Plot from '@observablehq/plot';
import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMonths, formatNumber, formatP } from '#schemas/endpoints/format';
import { DAYS_PER_MONTH, type SurvivalAnalysis } from '#schemas/endpoints/survival';
import { composeSvg, downloadPng, downloadSvg } from './export';
import { FigureDownloads } from './FigureDownloads';
import { BRAND, INK } from './ForestPlot';
import { adaptPlot, PlotFigure } from './PlotFigure';

/** Reference group solid blue, compared group dashed orange: told apart without colour too. */
export const GROUP_STYLE = [
  { stroke: BRAND, dash: null },
  { stroke: '#a8471b', dash: '7 4' },
] as const;

const MARGIN_LEFT = 170;
const MARGIN_RIGHT = 24;
const WIDTH = 720;

interface Point {
  group: string;
  month: number;
  survival: number;
  lower: number | null;
  upper: number | null;
}

function curves(a: SurvivalAnalysis, names: readonly [string, string]) {
  return a.groups.map((g, i) => {
    const group = names[i] as string;
    const points: Point[] = [
      { group, month: 0, survival: 1, lower: 1, upper: 1 },
      ...g.curve.map((p) => ({
        group,
        month: p.time / DAYS_PER_MONTH,
        survival: p.survival,
        lower: p.lower,
        upper: p.upper,
      })),
    ];
    const censored = g.curve
      .filter((p) => p.nCensor > 0)
      .map((p) => ({ group, month: p.time / DAYS_PER_MONTH, survival: p.survival }));
    return { points, censored, style: GROUP_STYLE[i] as (typeof GROUP_STYLE)[number] };
  });
}

export function kmPlot(
  a: SurvivalAnalysis,
  names: readonly [string, string],
  text: { x: string; y: string; aria: string },
): SVGSVGElement {
  const maxMonth = a.atRiskMonths.at(-1) ?? 0;
  const marks = curves(a, names).flatMap(({ points, censored, style }) => [
    Plot.areaY(
      points.filter((p) => p.lower !== null && p.upper !== null),
      {
        x: 'month',
        y1: 'lower',
        y2: 'upper',
        curve: 'step-after',
        fill: style.stroke,
        fillOpacity: 0.1,
      },
    ),
    Plot.line(points, {
      x: 'month',
      y: 'survival',
      curve: 'step-after',
      stroke: style.stroke,
      strokeWidth: 2,
      ...(style.dash ? { strokeDasharray: style.dash } : {}),
    }),
    Plot.dot(censored, { x: 'month', y: 'survival', symbol: 'plus', stroke: style.stroke, r: 3.5 }),
  ]);
  const svg = Plot.plot({
    className: 'dash-plot',
    width: WIDTH,
    height: 300,
    marginLeft: MARGIN_LEFT,
    marginRight: MARGIN_RIGHT,
    ariaLabel: text.aria,
    x: { domain: [0, Math.max(6, maxMonth)], ticks: a.atRiskMonths, label: text.x },
    y: { domain: [0, 100], percent: true, label: text.y, grid: true },
    marks: [Plot.frame({ anchor: 'bottom' }), ...marks],
  }) as SVGSVGElement;
  svg.setAttribute('role', 'img');
  return svg;
}

/** The numbers at risk as a strip aligned under the curves, for the exported figure. */
export function atRiskStrip(a: SurvivalAnalysis, names: readonly [string, string], title: string) {
  const maxMonth = a.atRiskMonths.at(-1) ?? 0;
  const data = a.groups.flatMap((g, i) =>
    a.atRiskMonths.map((m, j) => ({ group: names[i] as string, month: m, n: g.atRisk[j] ?? 0 })),
  );
  return adaptPlot(
    Plot.plot({
      width: WIDTH,
      height: 76,
      marginLeft: MARGIN_LEFT,
      marginRight: MARGIN_RIGHT,
      marginTop: 22,
      marginBottom: 6,
      x: { domain: [0, Math.max(6, maxMonth)], axis: null },
      y: { domain: [...names], label: null, tickSize: 0 },
      marks: [
        Plot.text([title], { frameAnchor: 'top-left', dx: -MARGIN_LEFT + 6, dy: -16, fill: INK }),
        Plot.text(data, { x: 'month', y: 'group', text: 'n', fill: INK }),
      ],
    }) as SVGSVGElement,
  );
}

/**
 * One survival comparison: the Kaplan–Meier curves with their 95 % bands and censoring
 * marks, the numbers at risk, the medians, the hazard ratio (Cox) and the log-rank p.
 */
export function KmChart({ analysis: a, id }: { analysis: SurvivalAnalysis; id: string }) {
  const { t } = useTranslation();
  const names = useMemo(
    () =>
      [
        t(`dashboard.survival.groups.${a.groups[0].key}`),
        t(`dashboard.survival.groups.${a.groups[1].key}`),
      ] as const,
    [a, t],
  );
  const title = t(`dashboard.survival.titles.${a.comparison}.${a.endpoint}`);
  const text = useMemo(
    () => ({
      x: t('dashboard.survival.axisMonths'),
      y: t(`dashboard.survival.axis.${a.endpoint}`),
      aria: t('dashboard.survival.aria', { title }),
    }),
    [a.endpoint, t, title],
  );
  const render = useCallback(() => kmPlot(a, names, text), [a, names, text]);
  const months = (d: number | null) => formatMonths(d, DAYS_PER_MONTH);
  const figure = () =>
    composeSvg(title, [
      adaptPlot(kmPlot(a, names, text)),
      atRiskStrip(a, names, t('dashboard.survival.atRisk')),
    ]);
  const file = `dream-${a.comparison}-${a.endpoint}`;
  const hr = a.cox.hr;
  return (
    <figure
      className="dash-km card"
      aria-labelledby={`${id}-title`}
      data-testid={`km-${a.comparison}-${a.endpoint}`}
    >
      <h3 id={`${id}-title`}>{title}</h3>
      <ul className="dash-legend" aria-label={t('dashboard.survival.legend')}>
        {names.map((name, i) => (
          <li key={name}>
            <svg width="28" height="10" aria-hidden="true">
              <line
                x1="0"
                y1="5"
                x2="28"
                y2="5"
                stroke={GROUP_STYLE[i]?.stroke}
                strokeWidth="2.5"
                strokeDasharray={GROUP_STYLE[i]?.dash ?? undefined}
              />
            </svg>{' '}
            {name}
          </li>
        ))}
      </ul>
      <PlotFigure render={render} className="dash-figure" />
      <table className="dash-at-risk">
        <caption>{t('dashboard.survival.atRisk')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('dashboard.survival.monthsColumn')}</th>
            {a.atRiskMonths.map((m) => (
              <th scope="col" key={m}>
                {m}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {a.groups.map((g, i) => (
            <tr key={g.key}>
              <th scope="row">{names[i]}</th>
              {g.atRisk.map((n, j) => (
                <td key={a.atRiskMonths[j]}>{n}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <figcaption>
        <ul className="dash-stats">
          {a.groups.map((g, i) => (
            <li key={g.key}>
              {g.median === null
                ? t('dashboard.survival.medianNotReached', {
                    group: names[i],
                    n: g.n,
                    events: g.events,
                  })
                : t('dashboard.survival.median', {
                    group: names[i],
                    n: g.n,
                    events: g.events,
                    median: months(g.median),
                    lower: months(g.medianLower) || '–',
                    upper: months(g.medianUpper) || t('dashboard.survival.notReached'),
                  })}
            </li>
          ))}
          <li data-testid="hr">
            {hr === null
              ? t('dashboard.survival.hrNotEstimable', { compared: names[1], reference: names[0] })
              : t('dashboard.survival.hr', {
                  compared: names[1],
                  reference: names[0],
                  hr: formatNumber(hr, 2),
                  lower: formatNumber(a.cox.lower, 2),
                  upper: formatNumber(a.cox.upper, 2),
                  p: formatP(a.cox.p),
                })}
          </li>
          <li data-testid="logrank">
            {t('dashboard.survival.logRank', {
              chisq: formatNumber(a.logRank.chisq, 2),
              p: formatP(a.logRank.p),
            })}
          </li>
          {a.excluded.length > 0 && (
            <li>
              {t('dashboard.survival.excluded', {
                list: a.excluded
                  .map((e) => `${t(`dashboard.survival.exclusions.${e.reason}`)}: ${e.count}`)
                  .join('; '),
              })}
            </li>
          )}
        </ul>
      </figcaption>
      <FigureDownloads
        name={title}
        csvHref={null}
        onSvg={() => downloadSvg(figure(), `${file}.svg`)}
        onPng={() => downloadPng(figure(), `${file}.png`)}
      />
    </figure>
  );
}

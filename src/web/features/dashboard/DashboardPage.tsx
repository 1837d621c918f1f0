import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { DashboardResponse } from '#schemas/endpoints/api';
import type { NpvRow } from '#schemas/endpoints/npv';
import { api } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { composeSvg, downloadPng, downloadSvg } from './export';
import { FigureDownloads } from './FigureDownloads';
import { ForestPlot, forestPlot } from './ForestPlot';
import { KmChart } from './KmChart';
import { NpvTable } from './NpvTable';
import { adaptPlot } from './PlotFigure';
import { SiteFilter } from './SiteFilter';
import { StardDiagram } from './StardDiagram';
import { StardTable } from './StardTable';

/** The server recomputes only when a sync has landed, so polling costs one index lookup. */
const REFRESH_MS = 30_000;

/**
 * The study dashboard (issue 7): the NPV end points with their forest plot, the STARD flow
 * and the survival curves, computed on the server over the selected sites and refreshed as
 * syncs land. Data managers see every site; monitors their assigned ones.
 */
export function DashboardPage() {
  const { t } = useTranslation();
  const [search, setSearch] = useSearchParams();
  const sites = search.get('sites') ?? '';
  const qs = sites ? `?sites=${encodeURIComponent(sites)}` : '';
  const query = useQuery({
    queryKey: ['dashboard', sites],
    queryFn: () => api.get<DashboardResponse>(`/api/dashboard${qs}`),
    refetchInterval: REFRESH_MS,
    placeholderData: keepPreviousData,
  });
  const stardRef = useRef<SVGSVGElement>(null);
  const shortLabel = useCallback((r: NpvRow) => t(`dashboard.npv.short.${r.id}`), [t]);

  const select = (codes: string[], all: boolean) => {
    const next = new URLSearchParams(search);
    if (all) next.delete('sites');
    else next.set('sites', codes.join(','));
    setSearch(next, { replace: true });
  };

  const data = query.data;
  return (
    <section aria-labelledby="dashboard-title" className="stack dash">
      <h1 id="dashboard-title">{t('dashboard.title')}</h1>
      {query.isError && !data && (
        <p role="alert" className="form-error">
          {t('dashboard.error', { message: (query.error as Error).message })}
        </p>
      )}
      {!data && !query.isError && (
        <p role="status" className="loading">
          {t('app.loading')}
        </p>
      )}
      {data && (
        <>
          <SiteFilter
            available={data.availableSites}
            selected={data.sites}
            onChange={select}
            busy={query.isFetching}
          />
          <p className="hint" role="status" data-testid="dashboard-status">
            {t('dashboard.status', {
              count: data.dashboard.patients,
              time: formatDateTime(data.generatedAt),
              seq: data.changeSeq,
            })}{' '}
            {data.studyWide
              ? t('dashboard.studyWide')
              : t('dashboard.subset', { sites: data.sites.join(', ') })}
          </p>

          <section aria-labelledby="npv-title" className="card">
            <h2 id="npv-title">{t('dashboard.npv.title')}</h2>
            <p className="hint">{t('dashboard.npv.intro')}</p>
            <NpvTable rows={data.dashboard.npv} id="npv-title" />
            <FigureDownloads
              name={t('dashboard.npv.title')}
              csvHref={`/api/dashboard/npv.csv${qs}`}
            />
          </section>

          <section aria-labelledby="forest-title" className="card" data-testid="forest-plot">
            <h2 id="forest-title">{t('dashboard.forest.title')}</h2>
            <ForestPlot rows={data.dashboard.npv} label={shortLabel} />
            <FigureDownloads
              name={t('dashboard.forest.title')}
              csvHref={`/api/dashboard/npv.csv${qs}`}
              onSvg={() =>
                downloadSvg(
                  composeSvg(t('dashboard.forest.title'), [
                    forestFor(data, shortLabel, (k) => t(k)),
                  ]),
                  'dream-npv-forest.svg',
                )
              }
              onPng={() =>
                downloadPng(
                  composeSvg(t('dashboard.forest.title'), [
                    forestFor(data, shortLabel, (k) => t(k)),
                  ]),
                  'dream-npv-forest.png',
                )
              }
            />
          </section>

          <section aria-labelledby="stard-title" className="card">
            <h2 id="stard-title">{t('dashboard.stard.title')}</h2>
            <div className="dash-figure">
              <StardDiagram
                ref={stardRef}
                flow={data.dashboard.stard}
                title={t('dashboard.stard.title')}
              />
            </div>
            <details>
              <summary>{t('dashboard.stardTable.show')}</summary>
              <StardTable flow={data.dashboard.stard} />
            </details>
            <FigureDownloads
              name={t('dashboard.stard.title')}
              csvHref={`/api/dashboard/stard.csv${qs}`}
              onSvg={() => {
                if (stardRef.current)
                  downloadSvg(
                    composeSvg(t('dashboard.stard.title'), [stardRef.current]),
                    'dream-stard.svg',
                  );
              }}
              onPng={async () => {
                if (stardRef.current)
                  await downloadPng(
                    composeSvg(t('dashboard.stard.title'), [stardRef.current]),
                    'dream-stard.png',
                  );
              }}
            />
          </section>

          <section aria-labelledby="survival-title" className="card">
            <h2 id="survival-title">{t('dashboard.survival.title')}</h2>
            <p className="hint">{t('dashboard.survival.intro')}</p>
            <FigureDownloads
              name={t('dashboard.survival.title')}
              csvHref={`/api/dashboard/survival.csv${qs}`}
            />
            <p>
              <a href={`/api/dashboard/km.csv${qs}`} download>
                {t('dashboard.download.kmCsv')}
              </a>
            </p>
            <div className="dash-km-grid">
              {data.dashboard.survival.map((a) => (
                <KmChart
                  key={`${a.comparison}-${a.endpoint}`}
                  analysis={a}
                  id={`km-${a.comparison}-${a.endpoint}`}
                />
              ))}
            </div>
          </section>
        </>
      )}
    </section>
  );
}

function forestFor(
  data: DashboardResponse,
  label: (r: NpvRow) => string,
  t: (key: string) => string,
): SVGSVGElement {
  return adaptPlot(
    forestPlot(data.dashboard.npv, label, {
      axis: t('dashboard.forest.axis'),
      threshold: t('dashboard.forest.threshold'),
      aria: t('dashboard.forest.aria'),
    }),
  );
}

import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isFormKey } from '#schemas/study/keys';
import { useTx } from '../../i18n/tx';
import { api } from '../../lib/api';
import { useOnline } from '../../lib/use-online';
import { useInstanceLabel } from '../casebook/labels';

interface Progress {
  total: number;
  verified: number;
  changed: number;
}
interface SdvProgress {
  sites: (Progress & { siteCode: string })[];
  subjects: (Progress & { subjectId: string; label: string; siteCode: string })[];
  queue: {
    subjectId: string;
    label: string;
    siteCode: string;
    form: string;
    instance: string;
    total: number;
    verified: number;
  }[];
}

const pct = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 100) : 0);

/**
 * `/sdv`: source data verification progress per site and per subject (values verified out
 * of values entered, and those changed since verified), and the monitor's queue: forms
 * complete but not (fully) verified, each a link to the form.
 */
export function SdvPage() {
  const { t } = useTranslation();
  const tx = useTx();
  const titleId = useId();
  const online = useOnline();
  const instanceLabel = useInstanceLabel();
  const progress = useQuery({
    queryKey: ['sdv', 'progress'],
    queryFn: () => api.get<SdvProgress>('/api/sdv/progress'),
    enabled: online,
  });
  const share = (p: Progress) =>
    t('sdvPage.share', { verified: p.verified, total: p.total, pct: pct(p.verified, p.total) });
  const data = progress.data;
  return (
    <section aria-labelledby={titleId} className="stack">
      <h1 id={titleId}>{t('sdvPage.title')}</h1>
      <p className="muted">{t('sdvPage.intro')}</p>
      {!online && <p className="banner banner-warn">{t('reports.offline')}</p>}
      {progress.isError && (
        <p role="alert" className="form-error">
          {tx(progress.error.message)}
        </p>
      )}
      {progress.isPending && online && <p role="status">{t('app.loading')}</p>}
      {data && (
        <>
          <div className="table-scroll">
            <table data-testid="sdv-sites">
              <caption>{t('sdvPage.perSite')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('sdvPage.col.site')}</th>
                  <th scope="col">{t('sdvPage.col.verified')}</th>
                  <th scope="col">{t('sdvPage.col.changed')}</th>
                </tr>
              </thead>
              <tbody>
                {data.sites.map((s) => (
                  <tr key={s.siteCode}>
                    <th scope="row">{s.siteCode}</th>
                    <td>{share(s)}</td>
                    <td>{s.changed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2 id={`${titleId}-queue`}>{t('sdvPage.queue', { count: data.queue.length })}</h2>
          {data.queue.length === 0 ? (
            <p className="muted">{t('sdvPage.queueEmpty')}</p>
          ) : (
            <div className="table-scroll">
              <table data-testid="sdv-queue" aria-labelledby={`${titleId}-queue`}>
                <thead>
                  <tr>
                    <th scope="col">{t('sdvPage.col.subject')}</th>
                    <th scope="col">{t('sdvPage.col.site')}</th>
                    <th scope="col">{t('sdvPage.col.form')}</th>
                    <th scope="col">{t('sdvPage.col.verified')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.queue.map((q) => (
                    <tr key={`${q.subjectId}|${q.form}|${q.instance}`}>
                      <th scope="row">
                        <Link to={`/subjects/${q.subjectId}`}>{q.label}</Link>
                      </th>
                      <td>{q.siteCode}</td>
                      <td>
                        <Link to={`/subjects/${q.subjectId}/${q.form}/${q.instance}`}>
                          {isFormKey(q.form)
                            ? instanceLabel(q.form, q.instance)
                            : `${q.form} ${q.instance}`}
                        </Link>
                      </td>
                      <td>{share({ total: q.total, verified: q.verified, changed: 0 })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div className="table-scroll">
            <table data-testid="sdv-subjects">
              <caption>{t('sdvPage.perSubject')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('sdvPage.col.subject')}</th>
                  <th scope="col">{t('sdvPage.col.site')}</th>
                  <th scope="col">{t('sdvPage.col.verified')}</th>
                  <th scope="col">{t('sdvPage.col.changed')}</th>
                </tr>
              </thead>
              <tbody>
                {data.subjects.map((s) => (
                  <tr key={s.subjectId}>
                    <th scope="row">
                      <Link to={`/subjects/${s.subjectId}`}>{s.label}</Link>
                    </th>
                    <td>{s.siteCode}</td>
                    <td>{share(s)}</td>
                    <td>{s.changed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useTx } from '../../i18n/tx';
import { api } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { useOnline } from '../../lib/use-online';

interface DeviceSync {
  user: string;
  username: string;
  deviceId: string;
  lastPushAt: string | null;
  lastPullAt: string | null;
}

export interface SiteCurrency {
  siteCode: string;
  subjects: number;
  devices: DeviceSync[];
  openQueries: number;
  answeredQueries: number;
  oldestOpenQueryDays: number;
  missingFields: number;
  missingRate: number;
  sdvVerified: number;
  sdvChanged: number;
  fieldsWithValues: number;
}

const pct = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 100) : 0);

/**
 * `/reports/currency`: the table the study team reads each week — per site, each device's
 * last push and pull with its user, queries waiting, the missing-field rate, SDV progress.
 */
export function CurrencyPage() {
  const { t } = useTranslation();
  const tx = useTx();
  const titleId = useId();
  const online = useOnline();
  const report = useQuery({
    queryKey: ['reports', 'currency'],
    queryFn: () => api.get<{ sites: SiteCurrency[] }>('/api/reports/site-currency'),
    enabled: online,
  });
  const when = (iso: string | null) => (iso ? formatDateTime(iso, true) : t('currency.never'));
  return (
    <section aria-labelledby={titleId} className="stack">
      <h1 id={titleId}>{t('currency.title')}</h1>
      <p className="muted">{t('currency.intro')}</p>
      {!online && <p className="banner banner-warn">{t('reports.offline')}</p>}
      {report.isError && (
        <p role="alert" className="form-error">
          {tx(report.error.message)}
        </p>
      )}
      {report.isPending && online && <p role="status">{t('app.loading')}</p>}
      {report.data && (
        <div className="table-scroll">
          <table data-testid="currency-table" className="currency-table">
            <caption className="sr-only">{t('currency.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('currency.col.site')}</th>
                <th scope="col">{t('currency.col.subjects')}</th>
                <th scope="col">{t('currency.col.devices')}</th>
                <th scope="col">{t('currency.col.queries')}</th>
                <th scope="col">{t('currency.col.missing')}</th>
                <th scope="col">{t('currency.col.sdv')}</th>
              </tr>
            </thead>
            <tbody>
              {report.data.sites.map((s) => (
                <tr key={s.siteCode} data-site={s.siteCode}>
                  <th scope="row">{s.siteCode}</th>
                  <td>{s.subjects}</td>
                  <td>
                    {s.devices.length === 0 ? (
                      <span className="muted">{t('currency.noDevice')}</span>
                    ) : (
                      <ul className="plain-list">
                        {s.devices.map((d) => (
                          <li key={`${d.username}|${d.deviceId}`}>
                            <strong>{d.user}</strong>{' '}
                            <span className="hint">
                              {t('currency.device', { id: d.deviceId.slice(0, 8) })}
                            </span>
                            <div className="hint">
                              {t('currency.push', { when: when(d.lastPushAt) })} ·{' '}
                              {t('currency.pull', { when: when(d.lastPullAt) })}
                            </div>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>
                    {t('currency.queries', {
                      open: s.openQueries,
                      answered: s.answeredQueries,
                    })}
                    {s.openQueries + s.answeredQueries > 0 && (
                      <div className="hint">
                        {t('currency.oldest', { count: s.oldestOpenQueryDays })}
                      </div>
                    )}
                  </td>
                  <td>
                    {t('currency.missing', {
                      rate: Math.round(s.missingRate * 1000) / 10,
                      count: s.missingFields,
                    })}
                  </td>
                  <td>
                    {t('currency.sdv', {
                      verified: s.sdvVerified,
                      total: s.fieldsWithValues,
                      pct: pct(s.sdvVerified, s.fieldsWithValues),
                    })}
                    {s.sdvChanged > 0 && (
                      <div className="hint">
                        {t('currency.sdvChanged', { count: s.sdvChanged })}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { getField } from '#schemas/study/definition';
import { isFormKey } from '#schemas/study/keys';
import { parsePath } from '#schemas/study/paths';
import { useTx } from '../../i18n/tx';
import { api } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { useOnline } from '../../lib/use-online';
import { describeValue } from '../conflicts/describe-value';

export interface AuditEntry {
  id: number;
  at: string;
  event: string;
  actor_username: string | null;
  actor_name: string | null;
  actor_role: string | null;
  site_code: string | null;
  subject_label: string;
  form: string | null;
  instance: string | null;
  path: string | null;
  old_value: unknown;
  new_value: unknown;
  reason: string | null;
  client_time: string | null;
  client_tz_offset_min: number | null;
  device_id: string | null;
}

/**
 * The audit trail of a subject, or of one field (`?form=&instance=&path=`): who changed
 * what from what to what, when (server UTC and the device's capture time) and why. The
 * trail lives on the server; it is read online.
 */
export function AuditPage() {
  const { t } = useTranslation();
  const tx = useTx();
  const { subjectId = '' } = useParams();
  const [search] = useSearchParams();
  const online = useOnline();
  const filter = {
    form: search.get('form') ?? undefined,
    instance: search.get('instance') ?? undefined,
    path: search.get('path') ?? undefined,
  };
  const qs = new URLSearchParams({
    subjectId,
    ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v)),
  });
  const audit = useQuery({
    queryKey: ['audit', subjectId, filter],
    queryFn: () => api.get<{ entries: AuditEntry[] }>(`/api/audit?${qs}`),
    enabled: online,
  });
  const fieldOf = (form: string | null, path: string | null) =>
    form && path && isFormKey(form) ? getField(form, parsePath(path).key) : undefined;
  const title = filter.path
    ? t('audit.fieldTitle', {
        field: `${filter.form} ${filter.instance} · ${(fieldOf(filter.form ?? null, filter.path) && tx(fieldOf(filter.form ?? null, filter.path)!.label)) || filter.path}`,
      })
    : t('audit.subjectTitle');

  return (
    <section aria-labelledby="audit-title" className="stack">
      <h1 id="audit-title">{title}</h1>
      {!online && <p className="banner banner-warn">{t('audit.offline')}</p>}
      {audit.isError && (
        <p role="alert" className="form-error">
          {tx(audit.error.message)}
        </p>
      )}
      <p>
        <a href={`/api/audit/export.csv?${qs}`} download>
          {t('audit.export')}
        </a>{' '}
        · <Link to={`/subjects/${subjectId}`}>{t('audit.back')}</Link>
      </p>
      {audit.data && (
        <div className="table-scroll">
          <table data-testid="audit-table">
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.when')}</th>
                <th scope="col">{t('audit.who')}</th>
                <th scope="col">{t('audit.what')}</th>
                <th scope="col">{t('audit.where')}</th>
                <th scope="col">{t('audit.old')}</th>
                <th scope="col">{t('audit.new')}</th>
                <th scope="col">{t('audit.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {audit.data.entries.map((e) => {
                const field = fieldOf(e.form, e.path);
                return (
                  <tr key={e.id}>
                    <td>
                      {formatDateTime(e.at)} UTC
                      {e.client_time && (
                        <div className="hint">
                          {t('audit.captured', {
                            when: e.client_time.replace('T', ' ').slice(0, 16),
                            offset: offsetText(e.client_tz_offset_min),
                          })}
                        </div>
                      )}
                    </td>
                    <td>
                      {e.actor_name ?? e.actor_username ?? t('audit.system')}
                      {e.actor_role && <div className="hint">{t(`roles.${e.actor_role}`)}</div>}
                    </td>
                    <td>{t(`audit.events.${e.event}`, { defaultValue: e.event })}</td>
                    <td>
                      {[e.form, e.instance].filter(Boolean).join(' ')}
                      {e.path && <div className="hint">{field ? tx(field.label) : e.path}</div>}
                    </td>
                    <td>{describeValue(field, e.old_value, tx)}</td>
                    <td>{describeValue(field, e.new_value, tx)}</td>
                    <td>{e.reason ?? ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function offsetText(min: number | null): string {
  if (min === null) return '';
  const sign = min >= 0 ? '+' : '-';
  const a = Math.abs(min);
  return `UTC${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

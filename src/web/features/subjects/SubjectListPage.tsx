import { useQuery } from '@tanstack/react-query';
import { useLiveQuery } from 'dexie-react-hooks';
import { useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { can, inScope, scopeOf } from '#schemas/access/roles';
import { CriterionBadge, SubjectLabel } from '../../components/StatusBadge';
import { api } from '../../lib/api';
import { localToday } from '../../offline/casebook-store';
import { db, deviceId } from '../../offline/db';
import { registerSubject } from '../../offline/repo';
import { useCurrentUser } from '../auth/session';
import { liveQueriesBySubject } from '../review/model';
import { type SummaryCache, summariseSubjects } from './subject-summary';

interface Site {
  code: string;
  name: string;
  country: string;
}

/**
 * `/subjects`: the subjects of the user's scope as held on this device (readable offline),
 * and — for investigators — registering a new one, online or not.
 */
export function SubjectListPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const titleId = useId();
  const data = useLiveQuery(
    async () => {
      const [subjects, forms, outbox, queries] = await Promise.all([
        db.subjects.toArray(),
        db.forms.toArray(),
        db.outbox.toArray(),
        db.queries.where('state').anyOf('open', 'answered').toArray(),
      ]);
      return { subjects, forms, outbox, queries };
    },
    [],
    undefined,
  );
  const { role, sites: userSites } = user;
  const cache = useRef<SummaryCache>(new Map());
  const rows = useMemo(() => {
    if (!data) return undefined;
    const scope = scopeOf(role, userSites);
    return summariseSubjects(
      data.subjects.filter((s) => inScope(scope, s.siteCode)),
      data.forms,
      data.outbox,
      localToday(),
      cache.current,
    );
  }, [data, role, userSites]);
  const liveQueries = useMemo(() => liveQueriesBySubject(data?.queries ?? []), [data]);
  const sites = useQuery({
    queryKey: ['sites'],
    queryFn: () => api.get<{ sites: Site[] }>('/api/sites'),
    staleTime: 5 * 60_000,
  });
  const scopeText =
    user.role === 'data_manager'
      ? t('workspace.scopeAll')
      : user.role === 'monitor'
        ? t('workspace.scopeAssigned', { sites: user.sites.join(', ') })
        : t('workspace.scopeOwnSite', { sites: user.sites.join(', ') });

  return (
    <section aria-labelledby={titleId} className="stack">
      <h1 id={titleId}>{t('workspace.title')}</h1>
      <p className="muted" data-testid="scope">
        {scopeText}
      </p>
      {sites.data && (
        <details>
          <summary>{t('workspace.sites')}</summary>
          <ul>
            {sites.data.sites.map((s) => (
              <li key={s.code}>
                <strong>{s.code}</strong> {s.name}
              </li>
            ))}
          </ul>
        </details>
      )}
      {can(user, 'subject.create') && <RegisterSubject sites={user.sites} />}
      {!rows ? (
        <p role="status">{t('app.loading')}</p>
      ) : rows.length === 0 ? (
        <p>{t('workspace.empty')}</p>
      ) : (
        <table aria-labelledby={titleId} className="subject-table">
          <thead>
            <tr>
              <th scope="col">{t('subjects.col.subject')}</th>
              <th scope="col">{t('subjects.col.site')}</th>
              <th scope="col">{t('subjects.col.registration')}</th>
              <th scope="col">{t('subjects.col.enrolment')}</th>
              <th scope="col">{t('subjects.col.dlm')}</th>
              <th scope="col">{t('subjects.col.forms')}</th>
              <th scope="col">{t('subjects.col.queries')}</th>
              <th scope="col">{t('subjects.col.unsynced')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id} data-subject={s.id}>
                <th scope="row">
                  <Link to={`/subjects/${s.id}`}>
                    <SubjectLabel text={s.label} provisional={s.provisional} />
                  </Link>
                </th>
                <td>{s.siteCode}</td>
                <td>
                  <CriterionBadge status={s.registration} />
                </td>
                <td>
                  <CriterionBadge status={s.enrolment} />
                </td>
                <td>{t('subjects.dlmCounts', { dlm: s.dlm, cdlm: s.cdlm })}</td>
                <td>{t('subjects.forms', { done: s.formsComplete, total: s.formsTotal })}</td>
                <td data-col="queries">
                  <SubjectQueries subjectId={s.id} counts={liveQueries.get(s.id)} />
                </td>
                <td>{s.unsynced === 0 ? t('subjects.allSynced') : s.unsynced}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The subject's queries not yet closed, linking to them in the query list. */
function SubjectQueries({
  subjectId,
  counts,
}: {
  subjectId: string;
  counts: { open: number; answered: number } | undefined;
}) {
  const { t } = useTranslation();
  if (!counts) return <span className="muted">{t('subjects.noQueries')}</span>;
  return (
    <Link to={`/queries?${new URLSearchParams({ subject: subjectId, state: 'live' })}`}>
      {t('subjects.queries', { open: counts.open, answered: counts.answered })}
    </Link>
  );
}

/** Registers a subject at the investigator's site; works offline (the server numbers it later). */
function RegisterSubject({ sites }: { sites: readonly string[] }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const id = useId();
  const [site, setSite] = useState(sites[0] ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  if (sites.length === 0) return null;
  const register = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const device = await deviceId();
      const s = await registerSubject(db, { authorId: user.id, deviceId: device }, site);
      navigate(`/subjects/${s.id}/REG/1`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <div className="register">
      {sites.length > 1 && (
        <span className="field-inline">
          <label htmlFor={id}>{t('subjects.registerSite')}</label>
          <select id={id} value={site} onChange={(e) => setSite(e.target.value)}>
            {sites.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </span>
      )}
      <button type="button" className="primary" disabled={busy} onClick={() => void register()}>
        {t('subjects.register', { site })}
      </button>
      <p className="hint">{t('subjects.registerHelp')}</p>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </div>
  );
}

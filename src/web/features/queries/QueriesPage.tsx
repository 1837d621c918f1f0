import { useLiveQuery } from 'dexie-react-hooks';
import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { formatDateTime } from '../../lib/format';
import { db } from '../../offline/db';
import {
  filterQueries,
  type QueryFilter,
  queryCounts,
  queryRows,
  waitingAnswers,
} from '../review/model';
import { authorName, useDescribePlace } from './where';

const STATES = ['live', 'open', 'answered', 'closed'] as const;

/**
 * `/queries`: the queries of the user's scope as held on this device (readable offline,
 * with this device's unsent answers), filtered by site, state and subject, with their age
 * and the counts per site and state.
 */
export function QueriesPage() {
  const { t } = useTranslation();
  const titleId = useId();
  const filterId = useId();
  const placeName = useDescribePlace();
  const [search, setSearch] = useSearchParams();
  const data = useLiveQuery(async () => {
    const [queries, messages, subjects, answers] = await Promise.all([
      db.queries.toArray(),
      db.queryMessages.toArray(),
      db.subjects.toArray(),
      db.outbox.filter((r) => r.op.kind === 'answer_query').toArray(),
    ]);
    return { queries, messages, subjects, answers };
  }, []);
  const rows = useMemo(() => {
    if (!data) return undefined;
    const subjects = new Map(
      data.subjects.map((s) => [
        s.id,
        { label: s.label ?? s.provisionalLabel, siteCode: s.siteCode },
      ]),
    );
    return queryRows(
      data.queries,
      data.messages,
      subjects,
      waitingAnswers(data.answers),
      new Date(),
    );
  }, [data]);
  const stateParam = search.get('state');
  const filter: QueryFilter = {
    site: search.get('site') ?? undefined,
    state: (STATES as readonly string[]).includes(stateParam ?? '')
      ? (stateParam as QueryFilter['state'])
      : undefined,
    subject: search.get('subject') ?? undefined,
  };
  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearch(next, { replace: true });
  };
  const shown = rows ? filterQueries(rows, filter) : [];
  const counts = rows ? queryCounts(filterQueries(rows, { subject: filter.subject })) : [];
  const sites = [...new Set((rows ?? []).map((r) => r.siteCode))].sort();
  const subjects = [
    ...new Map((rows ?? []).map((r) => [r.subjectId, r.subjectLabel])).entries(),
  ].sort((a, b) => a[1].localeCompare(b[1]));

  return (
    <section aria-labelledby={titleId} className="stack">
      <h1 id={titleId}>{t('queries.title')}</h1>
      <p className="muted">{t('queries.intro')}</p>
      {!rows ? (
        <p role="status">{t('app.loading')}</p>
      ) : (
        <>
          <div className="table-scroll">
            <table data-testid="query-counts">
              <caption>{t('queries.counts.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('queries.col.site')}</th>
                  <th scope="col">{t('queries.state.open')}</th>
                  <th scope="col">{t('queries.state.answered')}</th>
                  <th scope="col">{t('queries.state.closed')}</th>
                  <th scope="col">{t('queries.counts.oldest')}</th>
                </tr>
              </thead>
              <tbody>
                {counts.map((c) => (
                  <tr key={c.siteCode} data-site={c.siteCode}>
                    <th scope="row">{c.siteCode}</th>
                    <td>{c.open}</td>
                    <td>{c.answered}</td>
                    <td>{c.closed}</td>
                    <td>{t('queries.days', { count: c.oldestDays })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <fieldset className="filters">
            <legend>{t('queries.filters')}</legend>
            <span className="field-inline">
              <label htmlFor={`${filterId}-site`}>{t('queries.col.site')}</label>
              <select
                id={`${filterId}-site`}
                value={filter.site ?? ''}
                onChange={(e) => setFilter('site', e.target.value)}
              >
                <option value="">{t('queries.any')}</option>
                {sites.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </span>
            <span className="field-inline">
              <label htmlFor={`${filterId}-state`}>{t('queries.col.state')}</label>
              <select
                id={`${filterId}-state`}
                value={filter.state ?? ''}
                onChange={(e) => setFilter('state', e.target.value)}
              >
                <option value="">{t('queries.any')}</option>
                {STATES.map((s) => (
                  <option key={s} value={s}>
                    {t(`queries.state.${s}`)}
                  </option>
                ))}
              </select>
            </span>
            <span className="field-inline">
              <label htmlFor={`${filterId}-subject`}>{t('queries.col.subject')}</label>
              <select
                id={`${filterId}-subject`}
                value={filter.subject ?? ''}
                onChange={(e) => setFilter('subject', e.target.value)}
              >
                <option value="">{t('queries.any')}</option>
                {subjects.map(([id, label]) => (
                  <option key={id} value={id}>
                    {label}
                  </option>
                ))}
              </select>
            </span>
          </fieldset>
          <p role="status" className="muted">
            {t('queries.shown', { count: shown.length })}
          </p>
          {shown.length > 0 && (
            <div className="table-scroll">
              <table data-testid="query-list" className="query-table">
                <caption className="sr-only">{t('queries.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('queries.col.subject')}</th>
                    <th scope="col">{t('queries.col.site')}</th>
                    <th scope="col">{t('queries.col.about')}</th>
                    <th scope="col">{t('queries.col.kind')}</th>
                    <th scope="col">{t('queries.col.state')}</th>
                    <th scope="col">{t('queries.col.raised')}</th>
                    <th scope="col">{t('queries.col.age')}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((r) => (
                    <tr key={r.id} data-query={r.id}>
                      <th scope="row">
                        <Link to={`/subjects/${r.subjectId}`}>{r.subjectLabel}</Link>
                      </th>
                      <td>{r.siteCode}</td>
                      <td>
                        <Link to={`/queries/${r.id}`}>{placeName(r)}</Link>
                        {r.text && <div className="hint clamp">{r.text}</div>}
                      </td>
                      <td>{t(`queries.kind.${r.kind}`)}</td>
                      <td>
                        <span className={`badge query-${r.state}`}>
                          {t(`queries.state.${r.state}`)}
                        </span>
                        {r.waiting > 0 && <div className="hint">{t('queries.waiting')}</div>}
                      </td>
                      <td>
                        {formatDateTime(r.raisedAt)}
                        <div className="hint">{authorName(r.raisedBy, t)}</div>
                      </td>
                      <td>{t('queries.days', { count: r.daysOpen })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

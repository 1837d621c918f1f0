import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { FORM_KEYS, FORMS } from '#schemas/study/definition';
import { isFormKey } from '#schemas/study/keys';
import { useTx } from '../../i18n/tx';
import { api } from '../../lib/api';
import { useOnline } from '../../lib/use-online';
import { useInstanceLabel } from '../casebook/labels';
import { useOnlineAction } from '../review/online-action';
import {
  bulkBody,
  countByForm,
  filterItems,
  groupItems,
  itemKey,
  type MissingReport,
  queryable,
  type ReportItem,
  type ReportKind,
} from './model';

const MAX_ROWS = 400;

interface Site {
  code: string;
  name: string;
}

/**
 * `/reports/missing`: required answers missing (branching honoured, forms not started left
 * out) and soft edit-check failures, by site → subject → form → field, computed by the
 * server from the schemas/ rules. Data managers and monitors select items (or all shown)
 * and raise system queries for them in one go.
 */
export function MissingReportPage() {
  const { t } = useTranslation();
  const tx = useTx();
  const titleId = useId();
  const filterId = useId();
  const online = useOnline();
  const qc = useQueryClient();
  const instanceLabel = useInstanceLabel();
  const [search, setSearch] = useSearchParams();
  const site = search.get('site') ?? '';
  const form = search.get('form') ?? '';
  const kindParam = search.get('kind');
  const kind: ReportKind | undefined =
    kindParam === 'missing' || kindParam === 'soft_check' ? kindParam : undefined;
  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearch(next, { replace: true });
    setSelected(new Set());
  };
  const qs = new URLSearchParams({
    ...(site ? { site } : {}),
    ...(form ? { form } : {}),
  });
  const report = useQuery({
    queryKey: ['reports', 'missing', site, form],
    queryFn: () => api.get<MissingReport>(`/api/reports/missing?${qs}`),
    enabled: online,
  });
  const sites = useQuery({
    queryKey: ['sites'],
    queryFn: () => api.get<{ sites: Site[] }>('/api/sites'),
    staleTime: 5 * 60_000,
    enabled: online,
  });
  const items = useMemo(() => filterItems(report.data?.items ?? [], { kind }), [report.data, kind]);
  const groups = useMemo(() => groupItems(items), [items]);
  // A whole study can hold thousands of items: the counts cover all, the list the first ones.
  const listed = useMemo(
    () => (items.length > MAX_ROWS ? groupItems(items.slice(0, MAX_ROWS)) : groups),
    [items, groups],
  );
  const perForm = useMemo(() => countByForm(items), [items]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const action = useOnlineAction();
  const [result, setResult] = useState<{ raised: number; skipped: number } | undefined>();
  const open = items.filter(queryable);
  const chosen = open.filter((i) => selected.has(itemKey(i)));
  const allChosen = open.length > 0 && chosen.length === open.length;

  const toggle = (i: ReportItem, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(itemKey(i));
    else next.delete(itemKey(i));
    setSelected(next);
  };
  const raise = async () => {
    setResult(undefined);
    const res = await action.run(() =>
      api.post<{ raised: number; skipped: number }>('/api/queries/bulk', bulkBody(chosen)),
    );
    if (res) {
      setResult(res);
      setSelected(new Set());
      await qc.invalidateQueries({ queryKey: ['reports'] });
    }
  };
  const formName = (f: string) => (isFormKey(f) ? tx(FORMS[f].label) : f);

  return (
    <section aria-labelledby={titleId} className="stack">
      <h1 id={titleId}>{t('reports.missing.title')}</h1>
      <p className="muted">{t('reports.missing.intro')}</p>
      {!online && <p className="banner banner-warn">{t('reports.offline')}</p>}
      <fieldset className="filters">
        <legend>{t('reports.filters')}</legend>
        <span className="field-inline">
          <label htmlFor={`${filterId}-site`}>{t('reports.col.site')}</label>
          <select
            id={`${filterId}-site`}
            value={site}
            onChange={(e) => setFilter('site', e.target.value)}
          >
            <option value="">{t('reports.any')}</option>
            {(sites.data?.sites ?? []).map((s) => (
              <option key={s.code} value={s.code}>
                {s.code}
              </option>
            ))}
          </select>
        </span>
        <span className="field-inline">
          <label htmlFor={`${filterId}-form`}>{t('reports.col.form')}</label>
          <select
            id={`${filterId}-form`}
            value={form}
            onChange={(e) => setFilter('form', e.target.value)}
          >
            <option value="">{t('reports.any')}</option>
            {FORM_KEYS.map((f) => (
              <option key={f} value={f}>
                {formName(f)}
              </option>
            ))}
          </select>
        </span>
        <span className="field-inline">
          <label htmlFor={`${filterId}-kind`}>{t('reports.col.kind')}</label>
          <select
            id={`${filterId}-kind`}
            value={kind ?? ''}
            onChange={(e) => setFilter('kind', e.target.value)}
          >
            <option value="">{t('reports.any')}</option>
            <option value="missing">{t('reports.kind.missing')}</option>
            <option value="soft_check">{t('reports.kind.soft_check')}</option>
          </select>
        </span>
      </fieldset>
      {report.isError && (
        <p role="alert" className="form-error">
          {tx(report.error.message)}
        </p>
      )}
      {report.isPending && online && <p role="status">{t('app.loading')}</p>}
      {report.data && (
        <>
          <div className="report-counts">
            <table data-testid="counts-site">
              <caption>{t('reports.missing.perSite')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('reports.col.site')}</th>
                  <th scope="col">{t('reports.kind.missing')}</th>
                  <th scope="col">{t('reports.kind.soft_check')}</th>
                </tr>
              </thead>
              <tbody>
                {groups.map((g) => (
                  <tr key={g.siteCode}>
                    <th scope="row">{g.siteCode}</th>
                    <td>{g.missing}</td>
                    <td>{g.softChecks}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table data-testid="counts-form">
              <caption>{t('reports.missing.perForm')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('reports.col.form')}</th>
                  <th scope="col">{t('reports.kind.missing')}</th>
                  <th scope="col">{t('reports.kind.soft_check')}</th>
                </tr>
              </thead>
              <tbody>
                {perForm.map((f) => (
                  <tr key={f.form}>
                    <th scope="row">{formName(f.form)}</th>
                    <td>{f.missing}</td>
                    <td>{f.softChecks}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <fieldset className="bulk-bar">
            <legend className="sr-only">{t('reports.bulk.group')}</legend>
            <span className="field-inline">
              <input
                id={`${filterId}-all`}
                type="checkbox"
                checked={allChosen}
                disabled={open.length === 0}
                onChange={(e) =>
                  setSelected(e.target.checked ? new Set(open.map(itemKey)) : new Set())
                }
              />
              <label htmlFor={`${filterId}-all`}>
                {t('reports.bulk.selectAll', { count: open.length })}
              </label>
            </span>
            <button
              type="button"
              className="primary"
              disabled={chosen.length === 0 || action.busy || !online}
              onClick={() => void raise()}
            >
              {t('reports.bulk.raise', { count: chosen.length })}
            </button>
            {result && (
              <output data-testid="bulk-result">{t('reports.bulk.result', result)}</output>
            )}
            {action.error && (
              <p className="form-error" role="alert">
                {action.error}
              </p>
            )}
          </fieldset>
          {groups.length === 0 && <p role="status">{t('reports.missing.none')}</p>}
          {items.length > MAX_ROWS && (
            <p className="banner banner-info" role="note">
              {t('reports.missing.truncated', { shown: MAX_ROWS, total: items.length })}
            </p>
          )}
          {listed.map((g) => (
            <section
              key={g.siteCode}
              aria-labelledby={`${filterId}-${g.siteCode}`}
              className="report-site"
            >
              <h2 id={`${filterId}-${g.siteCode}`}>
                {t('reports.missing.site', {
                  site: g.siteCode,
                  missing: (groups.find((x) => x.siteCode === g.siteCode) ?? g).missing,
                  checks: (groups.find((x) => x.siteCode === g.siteCode) ?? g).softChecks,
                })}
              </h2>
              <div className="table-scroll">
                <table className="report-table" data-site={g.siteCode}>
                  <caption className="sr-only">
                    {t('reports.missing.siteCaption', { site: g.siteCode })}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">
                        <span className="sr-only">{t('reports.col.select')}</span>
                      </th>
                      <th scope="col">{t('reports.col.subject')}</th>
                      <th scope="col">{t('reports.col.form')}</th>
                      <th scope="col">{t('reports.col.field')}</th>
                      <th scope="col">{t('reports.col.kind')}</th>
                      <th scope="col">{t('reports.col.query')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {g.subjects.flatMap((s) =>
                      s.forms.flatMap((f) =>
                        f.items.map((i) => {
                          const k = itemKey(i);
                          const fname = isFormKey(i.form)
                            ? instanceLabel(i.form, i.instance)
                            : `${i.form} ${i.instance}`;
                          return (
                            <tr key={k} data-item={k} data-subject-label={i.subjectLabel}>
                              <td>
                                {queryable(i) && (
                                  <input
                                    type="checkbox"
                                    checked={selected.has(k)}
                                    onChange={(e) => toggle(i, e.target.checked)}
                                    aria-label={t('reports.select', {
                                      subject: i.subjectLabel,
                                      field: tx(i.label),
                                      form: fname,
                                    })}
                                  />
                                )}
                              </td>
                              <th scope="row">
                                <Link to={`/subjects/${i.subjectId}`}>{i.subjectLabel}</Link>
                              </th>
                              <td>{fname}</td>
                              <td>
                                <Link to={`/subjects/${i.subjectId}/${i.form}/${i.instance}`}>
                                  {tx(i.label)}
                                </Link>
                                {i.kind === 'soft_check' && (
                                  <div className="hint">{tx(i.message)}</div>
                                )}
                              </td>
                              <td>{t(`reports.kind.${i.kind}`)}</td>
                              <td>
                                {i.queryId ? (
                                  <Link to={`/queries/${i.queryId}`}>
                                    {t(`queries.state.${i.queryState ?? 'open'}`)}
                                  </Link>
                                ) : (
                                  <span className="muted">{t('reports.noQuery')}</span>
                                )}
                              </td>
                            </tr>
                          );
                        }),
                      ),
                    )}
                  </tbody>
                </table>
              </div>
            </section>
          ))}
        </>
      )}
    </section>
  );
}

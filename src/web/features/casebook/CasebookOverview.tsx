import { memo, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { LiverTemplate } from '../../components/LiverTemplate';
import type { Marker } from '../../components/liver-geometry';
import { FormStatusBadge } from '../../components/StatusBadge';
import { LockBanner, LockControls } from '../review/LockControls';
import { useLock } from '../review/ReviewProvider';
import { ReviewQueries } from '../review/ReviewQueries';
import { SdvControls } from '../review/SdvControls';
import { SignaturePanel } from '../review/SignaturePanel';
import { useCanWrite } from './CasebookLayout';
import { DerivedPanel, useClassText } from './DerivedPanel';
import { formPath, type Management, pathAvailability } from './model';
import {
  arraysEqual,
  jsonEqual,
  useCasebookStore,
  useDerived,
  useStoreSelector,
  useStructure,
} from './store-context';

/** `/subjects/:subjectId`: the lesions, the visits, the map and the derived status. */
export function CasebookOverview() {
  const { t } = useTranslation();
  const titleId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const label = useStoreSelector((s) => s.subject?.label ?? s.subject?.provisionalLabel ?? '');
  const siteCode = useStoreSelector((s) => s.subject?.siteCode ?? '');
  const lock = useLock();
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <div className="form-layout with-panel">
      <div className="form-column">
        <h1 id={titleId} ref={heading} tabIndex={-1}>
          {t('casebook.title', { label })}
        </h1>
        <LockBanner lock={lock} what={t('casebook.title', { label })} />
        <Lesions />
        <Visits />
        <OverviewMap />
        <SignaturePanel siteCode={siteCode} />
        <ReviewQueries what={t('casebook.title', { label })} />
        <SdvControls />
        <LockControls what={t('casebook.title', { label })} />
      </div>
      <DerivedPanel />
    </div>
  );
}

function Lesions() {
  const { t } = useTranslation();
  const store = useCasebookStore();
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const id = useId();
  const structure = useStructure();
  const locked = useLock('LES') !== undefined;
  const [error, setError] = useState<string | undefined>();
  const lesions = structure.lesionKeys.filter((l) =>
    structure.instances.some((i) => i.form === 'LES' && i.instance === l),
  );
  const add = async () => {
    setError(undefined);
    try {
      const key = await store.addLesion();
      navigate(formPath(store.subjectId, 'LES', key));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section aria-labelledby={id} className="overview-section">
      <h2 id={id}>{t('lesions.title')}</h2>
      {lesions.length === 0 ? (
        <p className="muted">{t('lesions.empty')}</p>
      ) : (
        <table className="lesion-table" aria-labelledby={id}>
          <thead>
            <tr>
              <th scope="col">{t('lesions.col.lesion')}</th>
              <th scope="col">{t('lesions.col.segment')}</th>
              <th scope="col">{t('lesions.col.class')}</th>
              <th scope="col">{t('lesions.col.imaging')}</th>
              <th scope="col">{t('lesions.col.surgery')}</th>
              <th scope="col">{t('lesions.col.pathology')}</th>
            </tr>
          </thead>
          <tbody>
            {lesions.map((l) => (
              <LesionRow
                key={l}
                lesion={l}
                withdrawn={structure.instances.some(
                  (i) => i.form === 'LES' && i.instance === l && i.state === 'entered_in_error',
                )}
              />
            ))}
          </tbody>
        </table>
      )}
      {canWrite && !locked && (
        <button type="button" className="primary" onClick={() => void add()}>
          {t('lesions.add')}
        </button>
      )}
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </section>
  );
}

/** One lesion across its three forms; re-renders only when this lesion's data change. */
const LesionRow = memo(function LesionRow({
  lesion,
  withdrawn,
}: {
  lesion: string;
  withdrawn: boolean;
}) {
  const { t } = useTranslation();
  const classText = useClassText();
  const subjectId = useCasebookStore().subjectId;
  const row = useDerived(
    (d) => {
      const l = d.casebook.lesions.find((x) => x.lesion === lesion);
      const derived = d.subject.lesions.find((x) => x.lesion === lesion);
      const st = (f: string) => d.statusByKey.get(`${f}|${lesion}`);
      return {
        segment: l?.LES?.values.segment,
        classification: derived?.classification,
        management: l?.IOLES?.values.management as Management,
        les: st('LES')?.status,
        ioles: st('IOLES')?.status,
        path: st('PATH')?.status,
        hasPath: l?.PATH !== undefined,
      };
    },
    jsonEqual,
    lesion,
  );
  const path = pathAvailability(row.management);
  return (
    <tr data-lesion={lesion} className={withdrawn ? 'is-withdrawn' : undefined}>
      <th scope="row">
        <Link to={formPath(subjectId, 'LES', lesion)}>{lesion}</Link>
      </th>
      <td>{row.segment ?? '—'}</td>
      <td>
        {withdrawn
          ? t('status.entered_in_error')
          : row.classification
            ? classText(row.classification)
            : '—'}
      </td>
      <td>
        <FormStatusBadge status={row.les} enteredInError={withdrawn} />
      </td>
      <td>
        {!withdrawn && (
          <Link to={formPath(subjectId, 'IOLES', lesion)}>
            <FormStatusBadge status={row.ioles} />
            <span className="sr-only"> {t('lesions.iolesOf', { lesion })}</span>
          </Link>
        )}
      </td>
      <td>
        {withdrawn ? null : path.available || row.hasPath ? (
          <Link to={formPath(subjectId, 'PATH', lesion)}>
            <FormStatusBadge status={row.path} />
            <span className="sr-only"> {t('lesions.pathOf', { lesion })}</span>
          </Link>
        ) : (
          <span className="muted">{t(`lesions.noPath.${path.reason}`)}</span>
        )}
      </td>
    </tr>
  );
});

function Visits() {
  const { t } = useTranslation();
  const store = useCasebookStore();
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const id = useId();
  const structure = useStructure();
  const locked = useLock('FU') !== undefined;
  const [error, setError] = useState<string | undefined>();
  const months = useDerived(
    (d) => d.casebook.FU.map((v) => [v.instance, v.values.visit_month ?? null] as const),
    jsonEqual,
  );
  const add = async () => {
    setError(undefined);
    try {
      const key = await store.addVisit();
      navigate(formPath(store.subjectId, 'FU', key));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section aria-labelledby={id} className="overview-section">
      <h2 id={id}>{t('visits.title')}</h2>
      {structure.visitKeys.length === 0 ? (
        <p className="muted">{t('visits.empty')}</p>
      ) : (
        <ul className="visit-list">
          {structure.visitKeys.map((v) => {
            const month = months.find(([k]) => k === v)?.[1];
            const withdrawn = structure.instances.some(
              (i) => i.form === 'FU' && i.instance === v && i.state === 'entered_in_error',
            );
            return (
              <li key={v}>
                <Link to={formPath(store.subjectId, 'FU', v)}>
                  {month ? t('visits.withMonth', { visit: v, month }) : v}
                </Link>
                {withdrawn && <FormStatusBadge status={undefined} enteredInError />}
              </li>
            );
          })}
        </ul>
      )}
      {canWrite && !locked && (
        <button type="button" onClick={() => void add()}>
          {t('visits.add')}
        </button>
      )}
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </section>
  );
}

function OverviewMap() {
  const { t } = useTranslation();
  const id = useId();
  const markers = useDerived(
    (d) =>
      d.casebook.lesions.flatMap((l): Marker[] => {
        const v = l.LES?.values;
        if (!v) return [];
        const cls =
          d.subject.lesions.find((x) => x.lesion === l.lesion)?.classification.class ??
          'new_or_unknown';
        const m: { -readonly [K in keyof Marker]: Marker[K] } = { lesion: l.lesion, cls };
        if (v.segment) m.segment = v.segment;
        if (v.template_xy) m.point = v.template_xy;
        return [m];
      }),
    jsonEqual,
  );
  const segments = useDerived(
    (d) => d.casebook.lesions.map((l) => l.LES?.values.segment ?? ''),
    arraysEqual,
  );
  return (
    <section aria-labelledby={id} className="overview-section">
      <h2 id={id}>{t('template.title')}</h2>
      <p className="hint">
        {t('template.overviewHelp', { count: segments.filter(Boolean).length })}
      </p>
      <LiverTemplate
        title={t('template.title')}
        labelledBy={id}
        segment={undefined}
        point={undefined}
        markers={markers}
        mode="display"
      />
    </section>
  );
}

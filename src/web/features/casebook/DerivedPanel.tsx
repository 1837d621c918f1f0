import { memo, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Classification } from '#schemas/rules/classification';
import type { Assessment } from '#schemas/rules/criteria';
import type { LesionDerived } from '#schemas/rules/derive';
import { codeLabel, MANAGEMENT } from '#schemas/study/codelists';
import { CriterionBadge } from '../../components/StatusBadge';
import { useTx } from '../../i18n/tx';
import { formPath } from './model';
import { arraysEqual, jsonEqual, useCasebookStore, useDerived } from './store-context';

/**
 * The live derived status (crf-spec.md §4): per patient the eligibility criteria and the
 * lesion counts, per lesion its class, management, truth and evaluability with the failing
 * condition — computed by the schemas/ rules from the values on screen, on every change,
 * with no network. Each lesion row re-renders only when its own result changes.
 */
export function DerivedPanel({ current }: { current?: string | undefined }) {
  const { t } = useTranslation();
  const titleId = useId();
  const lesions = useDerived((d) => d.subject.lesions.map((l) => l.lesion), arraysEqual);
  return (
    // The panel scrolls on its own when a patient has many lesions: focusable so that a
    // keyboard user can scroll it too (WCAG 2.1.1; axe scrollable-region-focusable).
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus
    <aside className="panel" aria-labelledby={titleId} data-testid="derived-panel" tabIndex={0}>
      <h2 id={titleId}>{t('panel.title')}</h2>
      <LesionTable lesions={lesions} current={current} />
      <PatientStatus />
    </aside>
  );
}

function LesionTable({
  lesions,
  current,
}: {
  lesions: readonly string[];
  current: string | undefined;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>{t('panel.lesions')}</h3>
      {lesions.length === 0 ? (
        <p className="muted">{t('panel.noLesions')}</p>
      ) : (
        <table className="panel-lesions" aria-labelledby={id}>
          <thead>
            <tr>
              <th scope="col">{t('panel.col.lesion')}</th>
              <th scope="col">{t('panel.col.class')}</th>
              <th scope="col">{t('panel.col.management')}</th>
              <th scope="col">{t('panel.col.truth')}</th>
              <th scope="col">{t('panel.col.evaluable')}</th>
            </tr>
          </thead>
          <tbody>
            {lesions.map((l) => (
              <LesionRow key={l} lesion={l} current={l === current} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Text of a class: "DLM, unconfirmed (missing: T2 not done)" names what blocks it. */
export function useClassText(): (c: Classification) => string {
  const { t } = useTranslation();
  return (c: Classification) => {
    const name = t(`class.${c.class}`);
    if (c.class === 'dlm_unconfirmed')
      return `${name} (${t('class.missing', { list: c.missingSequences.join(', ') })})`;
    if (c.class === 'non_cdlm')
      return `${name} (${t('class.visibleOn', { list: c.visibleOn.join(', ') })})`;
    return name;
  };
}

const LesionRow = memo(function LesionRow({
  lesion,
  current,
}: {
  lesion: string;
  current: boolean;
}) {
  const { t } = useTranslation();
  const tx = useTx();
  const classText = useClassText();
  const subjectId = useCasebookStore().subjectId;
  const d = useDerived(
    (s) => s.subject.lesions.find((l) => l.lesion === lesion),
    jsonEqual<LesionDerived | undefined>,
    lesion,
  );
  if (!d) return null;
  const ev = d.evaluability;
  return (
    <tr data-lesion={lesion} className={current ? 'is-current' : undefined}>
      <th scope="row">
        <Link to={formPath(subjectId, 'LES', lesion)} aria-current={current ? 'page' : undefined}>
          {lesion}
        </Link>
      </th>
      <td data-col="class" data-class={d.classification.class} title={tx(d.classification.reason)}>
        {classText(d.classification)}
      </td>
      <td data-col="management">
        {d.management ? tx(codeLabel(MANAGEMENT, d.management)) : t('panel.notRecorded')}
      </td>
      <td data-col="truth" data-truth={d.truth.status}>
        {t(`truth.${d.truth.status}`)}
        {d.truth.notIdentified && ` (${t('truth.notIdentified')})`}
        <span className="cell-reason">{tx(d.truth.reason)}</span>
      </td>
      <td data-col="evaluable" data-evaluability={ev.status}>
        {t(`evaluability.${ev.status}`)}
        {ev.failing && (
          <span className="cell-reason">
            {tx(ev.failing.label)}: {tx(ev.failing.reason)}
          </span>
        )}
      </td>
    </tr>
  );
});

function Criteria({ title, assessment }: { title: string; assessment: Assessment }) {
  const tx = useTx();
  const id = useId();
  return (
    <div className="criteria">
      <h4 id={id}>
        {title} <CriterionBadge status={assessment.status} />
      </h4>
      <ul aria-labelledby={id} className="plain-list">
        {assessment.criteria.map((c) => (
          <li key={c.name} data-criterion={c.name}>
            <CriterionBadge status={c.status} /> {tx(c.label)}
            <span className="cell-reason">{tx(c.reason)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function PatientStatus() {
  const { t } = useTranslation();
  const id = useId();
  const p = useDerived(
    (d) => ({
      registration: d.subject.registration,
      enrolment: d.subject.enrolment,
      summary: {
        dlm: d.subject.summary.dlm,
        cdlm: d.subject.summary.cdlm,
        nonCdlm: d.subject.summary.nonCdlm,
        dlmUnconfirmed: d.subject.summary.dlmUnconfirmed,
        nonDlm: d.subject.summary.nonDlm,
        newOrUnknown: d.subject.summary.newOrUnknown,
        evaluableDlm: d.subject.summary.evaluableDlm,
        evaluableCdlm: d.subject.summary.evaluableCdlm,
      },
      cdlmManagement: d.subject.summary.cdlmManagement,
    }),
    jsonEqual,
  );
  const counts = Object.entries(p.summary) as [keyof typeof p.summary, number][];
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>{t('panel.patient')}</h3>
      <Criteria title={t('panel.registration')} assessment={p.registration} />
      <Criteria title={t('panel.enrolment')} assessment={p.enrolment} />
      <dl className="counts" data-testid="lesion-counts">
        {counts.map(([k, n]) => (
          <div key={k}>
            <dt>{t(`panel.count.${k}`)}</dt>
            <dd data-count={k}>{n}</dd>
          </div>
        ))}
        <div>
          <dt>{t('panel.count.cdlmManagement')}</dt>
          <dd>{t(`panel.cdlmManagement.${p.cdlmManagement}`)}</dd>
        </div>
      </dl>
    </section>
  );
}

import { useTranslation } from 'react-i18next';
import type { LesionFlow, StardFlow } from '#schemas/endpoints/stard';

/** The numbers of the STARD diagram as a table, for screen readers and for checking. */
export function StardTable({ flow }: { flow: StardFlow }) {
  const { t } = useTranslation();
  const rows: [string, number | string, string?][] = [
    [t('dashboard.stardTable.registered'), flow.registered],
    [t('dashboard.stardTable.notEnrolled'), flow.notEnrolled],
    ...flow.notEnrolledReasons.map(
      (r) =>
        ['', r.count, t(`dashboard.reasons.enrolment.${r.reason}`)] as [string, number, string],
    ),
    [t('dashboard.stardTable.enrolled'), flow.enrolled],
    [t('dashboard.stardTable.notOperated'), flow.notOperated],
    ...flow.notOperatedReasons.map(
      (r) =>
        ['', r.count, t(`dashboard.reasons.notOperated.${r.reason}`)] as [string, number, string],
    ),
    [t('dashboard.stardTable.operated'), flow.operated],
    [t('dashboard.stardTable.withDlm'), flow.patientsWithDlm],
    [t('dashboard.stardTable.withCdlm'), flow.patientsWithCdlm],
    [t('dashboard.stardTable.withoutDlm'), flow.patientsWithoutDlm],
    [t('dashboard.stardTable.lesions'), flow.lesions.recorded],
    [t('dashboard.stardTable.nonDlm'), flow.lesions.nonDlm],
    [t('dashboard.stardTable.notOnBaseline'), flow.lesions.notOnBaselineCt],
    [t('dashboard.stardTable.unclassified'), flow.lesions.unclassified],
  ];
  const branch = (name: 'dlm' | 'cdlm', f: LesionFlow): [string, number | string, string?][] => [
    [t(`dashboard.stardTable.${name}`), f.total],
    [t(`dashboard.stardTable.${name}NotEvaluable`), f.notEvaluable],
    ...f.exclusions.map(
      (e) => ['', e.count, t(`dashboard.reasons.lesion.${e.reason}`)] as [string, number, string],
    ),
    [t(`dashboard.stardTable.${name}Evaluable`), f.evaluable],
    [
      t(`dashboard.stardTable.${name}Resected`),
      f.resected.n,
      t('dashboard.stard.nonviable', { count: f.resected.nonviable }),
    ],
    [
      t(`dashboard.stardTable.${name}Left`),
      f.leftInPlace.n,
      t('dashboard.stard.nonviable', { count: f.leftInPlace.nonviable }),
    ],
  ];
  const all = [...rows, ...branch('dlm', flow.lesions.dlm), ...branch('cdlm', flow.lesions.cdlm)];
  return (
    <table className="dash-stard-table" data-testid="stard-table">
      <caption>{t('dashboard.stardTable.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('dashboard.stardTable.step')}</th>
          <th scope="col">{t('dashboard.stardTable.count')}</th>
          <th scope="col">{t('dashboard.stardTable.detail')}</th>
        </tr>
      </thead>
      <tbody>
        {all.map(([step, count, detail], i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed layout rebuilt from scratch
          <tr key={i}>
            {step ? <th scope="row">{step}</th> : <td />}
            <td>{count}</td>
            <td>{detail ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber, formatP, formatPercent } from '#schemas/endpoints/format';
import type { NpvGroup, NpvRow } from '#schemas/endpoints/npv';
import { useTx } from '../../i18n/tx';

const GROUPS: NpvGroup[] = ['primary', 'secondary', 'ceus', 'sequence', 'sensitivity'];

/**
 * The NPV rows: n/N, NPV, two-sided 90 % CI (Donner–Donald), ρ, C, patients, and the
 * protocol's test against 0.85. Numbers use the formats of the CSV download
 * (schemas/endpoints/format.ts), so the page and the file agree to the character.
 */
export function NpvTable({ rows, id }: { rows: readonly NpvRow[]; id: string }) {
  const { t } = useTranslation();
  const tx = useTx();
  const cols = 9;
  const notes = rows.filter((r) => r.note !== undefined);
  return (
    <>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus (WCAG 2.1.1) */}
      <section className="table-scroll" tabIndex={0} aria-labelledby={id}>
        <table aria-labelledby={id} className="dash-npv" data-testid="npv-table">
          <thead>
            <tr>
              <th scope="col">{t('dashboard.npv.population')}</th>
              <th scope="col">{t('dashboard.npv.nN')}</th>
              <th scope="col">{t('dashboard.npv.npv')}</th>
              <th scope="col">{t('dashboard.npv.ci')}</th>
              <th scope="col">{t('dashboard.npv.patients')}</th>
              <th scope="col">{t('dashboard.npv.rho')}</th>
              <th scope="col">{t('dashboard.npv.C')}</th>
              <th scope="col">{t('dashboard.npv.test')}</th>
              <th scope="col">{t('dashboard.npv.pOneSided')}</th>
            </tr>
          </thead>
          <tbody>
            {GROUPS.map((g) => {
              const inGroup = rows.filter((r) => r.group === g);
              if (inGroup.length === 0) return null;
              return (
                <Fragment key={g}>
                  <tr className="dash-group">
                    <th scope="colgroup" colSpan={cols}>
                      {t(`dashboard.npv.groups.${g}`)}
                    </th>
                  </tr>
                  {inGroup.map((r) => (
                    <tr
                      key={r.id}
                      data-testid={`npv-row-${r.id}`}
                      className={r.group === 'primary' ? 'dash-primary' : undefined}
                    >
                      <th scope="row">{t(`dashboard.npv.rows.${r.id}`)}</th>
                      <td data-col="nN">
                        <span data-col="n">{r.n}</span>/<span data-col="N">{r.N}</span>
                      </td>
                      <td data-col="npv">{formatPercent(r.p) || '–'}</td>
                      <td data-col="ci">
                        {r.ci ? (
                          <>
                            <span data-col="lower">{formatPercent(r.ci[0])}</span>–
                            <span data-col="upper">{formatPercent(r.ci[1])}</span>
                          </>
                        ) : (
                          '–'
                        )}
                      </td>
                      <td data-col="K">{r.K}</td>
                      <td data-col="rho">{formatNumber(r.rho, 3)}</td>
                      <td data-col="C">{formatNumber(r.C, 3)}</td>
                      <td data-col="test">
                        {r.N === 0
                          ? '–'
                          : r.lowerAboveThreshold
                            ? t('dashboard.npv.passes')
                            : t('dashboard.npv.fails')}
                      </td>
                      <td data-col="p">{formatP(r.pOneSided) || '–'}</td>
                    </tr>
                  ))}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </section>
      {notes.length > 0 && (
        <ul className="hint dash-notes" aria-label={t('dashboard.npv.notes')}>
          {notes.map((r) => (
            <li key={r.id}>
              {t(`dashboard.npv.rows.${r.id}`)}: {tx(r.note ?? '')}
            </li>
          ))}
        </ul>
      )}
      <details className="dash-definitions">
        <summary>{t('dashboard.npv.definitions')}</summary>
        <dl>
          {rows.map((r) => (
            <Fragment key={r.id}>
              <dt>{t(`dashboard.npv.rows.${r.id}`)}</dt>
              <dd>{t(`dashboard.npv.definitionsText.${r.id}`)}</dd>
            </Fragment>
          ))}
        </dl>
        <p>{t('dashboard.npv.method')}</p>
      </details>
    </>
  );
}

import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DICTIONARY_COLUMNS, dataDictionaryRows } from '#schemas/study/data-dictionary';
import { STUDY } from '#schemas/study/definition';

/**
 * The data dictionary (issue 3): every field of the CRF with its type, unit, codes, when it
 * is required and shown, and its checks — the rows the CSV download holds, generated from
 * the definition in the browser, so the page works offline.
 */
export function DataDictionaryPage() {
  const { t } = useTranslation();
  const rows = useMemo(() => dataDictionaryRows(), []);
  const [form, setForm] = useState('');
  const shown = form ? rows.filter((r) => r.form === form) : rows;
  return (
    <section aria-labelledby="dictionary-title" className="stack">
      <h1 id="dictionary-title">{t('dictionary.title')}</h1>
      <p className="hint">
        {t('dictionary.help', { fields: rows.length, forms: STUDY.forms.length })}
      </p>
      <div className="toolbar">
        <div className="field">
          <label htmlFor="dictionary-form">{t('dictionary.form')}</label>
          <select id="dictionary-form" value={form} onChange={(e) => setForm(e.target.value)}>
            <option value="">{t('dictionary.allForms')}</option>
            {STUDY.forms.map((f) => (
              <option key={f.key} value={f.key}>
                {f.key} — {f.label}
              </option>
            ))}
          </select>
        </div>
        <a href="/api/data-dictionary.csv" download>
          {t('dictionary.download')}
        </a>
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus (WCAG 2.1.1) */}
      <section className="scroll-x" tabIndex={0} aria-label={t('dictionary.table')}>
        <table
          className="dictionary"
          aria-labelledby="dictionary-title"
          data-testid="dictionary-table"
        >
          <thead>
            <tr>
              {DICTIONARY_COLUMNS.map((c) => (
                <th key={c} scope="col">
                  {t(`dictionary.columns.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={`${r.form}.${r.key}`}>
                {DICTIONARY_COLUMNS.map((c) => (
                  <td key={c} className="dictionary-cell">
                    {c === 'codes' ? r.codes.split('|').join('\n') : r[c]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}

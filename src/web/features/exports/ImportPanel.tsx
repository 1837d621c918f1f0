import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTx } from '../../i18n/tx';
import { ApiError, api, NetworkError } from '../../lib/api';

interface RowError {
  subject: string;
  form: string;
  instance: string;
  item: string;
  value: string;
  message: string;
}

type Outcome =
  | { kind: 'ok'; subjects: number; values: number }
  | { kind: 'rows'; errors: RowError[]; count: number }
  | { kind: 'error'; message: string };

/**
 * Import of an ODM Snapshot into an empty study (data managers). The server checks every
 * value and writes nothing if one fails; the failing rows are listed here.
 */
export function ImportPanel() {
  const { t } = useTranslation();
  const tx = useTx();
  const inputId = useId();
  const [file, setFile] = useState<File | undefined>();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();

  const submit = async () => {
    if (!file) {
      setOutcome({ kind: 'error', message: t('import.chooseFile') });
      return;
    }
    setBusy(true);
    setOutcome(undefined);
    try {
      const r = await api.post<{ subjects: number; values: number }>('/api/import/odm', {
        odm: await file.text(),
      });
      setOutcome({ kind: 'ok', ...r });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_import') {
        const d = err.details as { errors: RowError[]; errorCount: number };
        setOutcome({ kind: 'rows', errors: d.errors, count: d.errorCount });
      } else if (err instanceof ApiError) setOutcome({ kind: 'error', message: tx(err.message) });
      else if (err instanceof NetworkError)
        setOutcome({ kind: 'error', message: t('exports.errors.network') });
      else throw err;
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="card stack"
      aria-labelledby="import-title"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="import-title">{t('import.title')}</h2>
      <p id="import-help" className="hint">
        {t('import.help')}
      </p>
      <div className="field">
        <label htmlFor={inputId}>{t('import.file')}</label>
        <input
          id={inputId}
          type="file"
          accept=".xml,application/xml,text/xml"
          aria-describedby="import-help"
          onChange={(e) => setFile(e.target.files?.[0])}
        />
      </div>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t('import.importing') : t('import.submit')}
      </button>
      {outcome?.kind === 'ok' && (
        <p className="banner banner-ok" role="status">
          {t('import.done', { subjects: outcome.subjects, values: outcome.values })}
        </p>
      )}
      {outcome?.kind === 'error' && (
        <p className="form-error" role="alert">
          {outcome.message}
        </p>
      )}
      {outcome?.kind === 'rows' && (
        <div className="stack">
          <p className="form-error" role="alert">
            {t('import.failed', { count: outcome.count })}
          </p>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus (WCAG 2.1.1) */}
          <section className="scroll-x" tabIndex={0} aria-labelledby="import-errors-title">
            <table aria-labelledby="import-errors-title">
              <caption id="import-errors-title">
                {t('import.errorsTitle', { shown: outcome.errors.length })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('import.columns.subject')}</th>
                  <th scope="col">{t('import.columns.form')}</th>
                  <th scope="col">{t('import.columns.instance')}</th>
                  <th scope="col">{t('import.columns.item')}</th>
                  <th scope="col">{t('import.columns.value')}</th>
                  <th scope="col">{t('import.columns.message')}</th>
                </tr>
              </thead>
              <tbody>
                {outcome.errors.map((e, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: rows are a fixed list, never reordered.
                  <tr key={i}>
                    <td>{e.subject}</td>
                    <td>{e.form}</td>
                    <td>{e.instance}</td>
                    <td>{e.item}</td>
                    <td>{e.value}</td>
                    <td>{tx(e.message)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      )}
    </form>
  );
}

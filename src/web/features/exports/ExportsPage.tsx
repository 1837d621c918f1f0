import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useTx } from '../../i18n/tx';
import { ApiError, NetworkError } from '../../lib/api';
import { useOnline } from '../../lib/use-online';
import { useSession } from '../auth/session';
import { type DownloadProgress, saveFile, streamDownload } from './download';
import { ImportPanel } from './ImportPanel';

const EXPORTS = [
  {
    id: 'odmSnapshot',
    url: '/api/exports/odm?type=snapshot',
    kind: 'odm',
    file: 'dream-odm-snapshot.xml',
  },
  {
    id: 'odmTransactional',
    url: '/api/exports/odm?type=transactional',
    kind: 'odm',
    file: 'dream-odm-transactional.xml',
  },
  { id: 'csv', url: '/api/exports/csv', kind: 'other', file: 'dream-csv.zip' },
  {
    id: 'dictionary',
    url: '/api/data-dictionary.csv',
    kind: 'other',
    file: 'dream-data-dictionary.csv',
  },
] as const;
type ExportId = (typeof EXPORTS)[number]['id'];

/** `1.2 MB` in the reader's language. */
function formatBytes(n: number, lng: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return new Intl.NumberFormat(lng, {
    style: 'unit',
    unit: units[i],
    maximumFractionDigits: 1,
  }).format(v);
}

/**
 * Exports for data managers, monitors and investigators: CDISC ODM (Snapshot and
 * Transactional), the statisticians' CSV zip and the data dictionary, each limited to the
 * user's sites by the server. Downloads stream, with the subjects and bytes received shown
 * as they arrive; data managers can also import an ODM Snapshot into an empty study.
 */
export function ExportsPage() {
  const { t, i18n } = useTranslation();
  const tx = useTx();
  const { session } = useSession();
  const online = useOnline();
  const [active, setActive] = useState<ExportId | undefined>();
  const [progress, setProgress] = useState<DownloadProgress | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const abort = useRef<AbortController | undefined>(undefined);
  if (session.status === 'loading' || session.status === 'signed_out') return null;
  const user = session.user;
  const scope =
    user.role === 'data_manager'
      ? t('exports.scopeAll')
      : t('exports.scopeSites', { sites: user.sites.join(', ') });

  const start = async (item: (typeof EXPORTS)[number]) => {
    const controller = new AbortController();
    abort.current = controller;
    setActive(item.id);
    setError(undefined);
    setDone(undefined);
    setProgress(undefined);
    let last: DownloadProgress | undefined;
    try {
      const file = await streamDownload(item.url, {
        kind: item.kind,
        fallbackName: item.file,
        onProgress: (p) => {
          last = p;
          setProgress(p);
        },
        signal: controller.signal,
      });
      saveFile(file);
      const size = formatBytes(file.blob.size, i18n.language);
      // TypeScript does not see the assignment inside the callback.
      const subjects = (last as DownloadProgress | undefined)?.subjects;
      setDone(
        subjects === undefined
          ? t('exports.done', { name: file.filename, size })
          : t('exports.doneSubjects', { name: file.filename, size, count: subjects }),
      );
    } catch (err) {
      if ((err as Error).name === 'AbortError') setDone(t('exports.cancelled'));
      else if (err instanceof ApiError)
        setError(t('exports.errors.refused', { message: tx(err.message) }));
      else if (err instanceof NetworkError && err.message === 'incomplete')
        setError(t('exports.errors.incomplete'));
      else setError(t('exports.errors.network'));
    } finally {
      setActive(undefined);
      abort.current = undefined;
    }
  };

  const subjectsText =
    progress?.subjects !== undefined
      ? progress.total !== undefined
        ? t('exports.progressSubjectsOf', { count: progress.subjects, total: progress.total })
        : t('exports.progressSubjects', { count: progress.subjects })
      : undefined;

  return (
    <section aria-labelledby="exports-title" className="stack">
      <h1 id="exports-title">{t('exports.title')}</h1>
      <p className="muted" data-testid="export-scope">
        {scope}
      </p>
      {!online && (
        <p className="banner banner-warn" role="status">
          {t('exports.offline')}
        </p>
      )}
      <ul className="export-list">
        {EXPORTS.map((item) => (
          <li key={item.id} className="card stack">
            <h2 id={`export-${item.id}`}>{t(`exports.items.${item.id}.title`)}</h2>
            <p id={`export-${item.id}-help`} className="hint">
              {t(`exports.items.${item.id}.help`)}
            </p>
            <button
              type="button"
              className="primary"
              aria-describedby={`export-${item.id} export-${item.id}-help`}
              disabled={active !== undefined || !online}
              onClick={() => void start(item)}
            >
              {t('exports.download', { name: t(`exports.items.${item.id}.title`) })}
            </button>
          </li>
        ))}
      </ul>
      {active && (
        <div className="card stack" role="status" aria-live="polite" data-testid="export-progress">
          <p>{t('exports.receiving', { name: t(`exports.items.${active}.title`) })}</p>
          {progress?.total !== undefined && progress.subjects !== undefined ? (
            <progress
              max={Math.max(progress.total, 1)}
              value={Math.min(progress.subjects, progress.total)}
              aria-label={t('exports.progressLabel')}
            />
          ) : (
            <progress aria-label={t('exports.progressLabel')} />
          )}
          <p>
            {subjectsText ? `${subjectsText} · ` : ''}
            {t('exports.progressBytes', { size: formatBytes(progress?.bytes ?? 0, i18n.language) })}
          </p>
          <button type="button" onClick={() => abort.current?.abort()}>
            {t('exports.cancel')}
          </button>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {done && (
        <p className="banner banner-ok" role="status">
          {done}
        </p>
      )}
      <p>
        <Link to="/data-dictionary">{t('exports.dictionaryPage')}</Link>
      </p>
      {user.role === 'data_manager' && <ImportPanel />}
    </section>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useParams } from 'react-router';
import { can } from '#schemas/access/roles';
import { SubjectLabel } from '../../components/StatusBadge';
import { CasebookStore } from '../../offline/casebook-store';
import { db, deviceId } from '../../offline/db';
import { browserJournalEnv } from '../../offline/journal';
import { subjectLabel } from '../../offline/repo';
import { isQuotaExceeded } from '../../offline/storage-errors';
import { useCurrentUser } from '../auth/session';
import { ReviewProvider } from '../review/ReviewProvider';
import { CasebookNav } from './CasebookNav';
import { CasebookStoreProvider, useStoreSelector } from './store-context';

/** Whether the user may change this casebook (investigators of its site). */
export function useCanWrite(): boolean {
  const user = useCurrentUser();
  const site = useStoreSelector((s) => s.subject?.siteCode);
  return can(user, 'data.write') && site !== undefined && user.sites.includes(site);
}

/**
 * `/subjects/:subjectId/*`: opens the subject's casebook store for as long as the user is
 * in it (everything below reads it), saves on the way out.
 */
export function CasebookLayout() {
  const { t } = useTranslation();
  const { subjectId = '' } = useParams();
  const user = useCurrentUser();
  const [store, setStore] = useState<CasebookStore | undefined>();
  const [failed, setFailed] = useState<string | undefined>();

  useEffect(() => {
    let cancelled = false;
    let opened: CasebookStore | undefined;
    setStore(undefined);
    setFailed(undefined);
    void (async () => {
      try {
        const [device, journal] = await Promise.all([deviceId(), browserJournalEnv()]);
        const s = await CasebookStore.open({
          db,
          subjectId,
          author: { authorId: user.id, deviceId: device },
          journal,
        });
        opened = s;
        if (cancelled) {
          await s.close();
          return;
        }
        s.attachLifecycle(window, document);
        setStore(s);
      } catch (err) {
        if (!cancelled) setFailed((err as Error).message);
      }
    })();
    return () => {
      cancelled = true;
      void opened?.close().catch(() => undefined);
    };
  }, [subjectId, user.id]);

  if (failed)
    return (
      <p role="alert" className="form-error">
        {t('casebook.openFailed', { message: failed })}
      </p>
    );
  if (!store)
    return (
      <p className="loading" role="status">
        {t('casebook.loading')}
      </p>
    );
  return (
    <CasebookStoreProvider store={store}>
      <ReviewProvider subjectId={subjectId}>
        <CasebookFrame />
      </ReviewProvider>
    </CasebookStoreProvider>
  );
}

function CasebookFrame() {
  const { t } = useTranslation();
  const subject = useStoreSelector((s) => s.subject);
  const saveError = useStoreSelector((s) => s.saveError);
  const canWrite = useCanWrite();
  if (!subject)
    return (
      <div role="alert">
        <p>{t('casebook.notFound')}</p>
        <Link to="/subjects">{t('casebook.backToList')}</Link>
      </div>
    );
  const label = subjectLabel(subject);
  return (
    <div className="casebook">
      <div className="casebook-header">
        <p className="casebook-subject">
          <Link to={`/subjects/${subject.id}`}>
            <span className="sr-only">{t('casebook.subject')} </span>
            <SubjectLabel {...label} />
          </Link>
          <span className="muted"> · {t('casebook.site', { site: subject.siteCode })}</span>
        </p>
        {!canWrite && (
          <p className="banner banner-info" role="note">
            {t('casebook.readOnly')}
          </p>
        )}
        {saveError && (
          <p className="banner banner-warn" role="alert">
            {isQuotaExceeded(saveError)
              ? t('casebook.storageFull')
              : t('casebook.saveError', { message: saveError.message })}
          </p>
        )}
      </div>
      <div className="casebook-body">
        <CasebookNav />
        <div className="casebook-main">
          <Outlet />
        </div>
      </div>
    </div>
  );
}

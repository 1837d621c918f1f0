import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { can } from '#schemas/access/roles';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { NetworkStatus, usePendingCount } from '../components/NetworkStatus';
import { LoginForm } from '../features/auth/LoginForm';
import { useSession } from '../features/auth/session';
import { SyncStatus } from '../features/sync/SyncStatus';
import { api } from '../lib/api';
import { useOnline } from '../lib/use-online';

/** The frame of every signed-in page: header, role-aware navigation, status, content. */
export function Shell() {
  const { t } = useTranslation();
  const { session, signedIn, signedOut } = useSession();
  const online = useOnline();
  const pending = usePendingCount(
    session.status === 'loading' || session.status === 'signed_out' ? undefined : session.user.id,
  );
  const navigate = useNavigate();
  const qc = useQueryClient();
  if (session.status === 'loading' || session.status === 'signed_out') return null;
  const user = session.user;
  const roleLabel = user.isPi ? t('roles.pi') : t(`roles.${user.role}`);

  const signOut = async () => {
    try {
      await api.post('/api/auth/logout');
    } catch {
      // Offline: the device forgets the user now; the server session dies at its idle timeout.
    }
    await signedOut();
    qc.clear();
    navigate('/login', { replace: true });
  };

  const blocked = pending > 0;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <nav aria-label={t('nav.main')}>
          <ul>
            {can(user, 'clinical.read') && (
              <li>
                <NavLink to="/subjects">{t('nav.subjects')}</NavLink>
              </li>
            )}
            {can(user, 'clinical.read') && (
              <li>
                <NavLink to="/queries">{t('nav.queries')}</NavLink>
              </li>
            )}
            {can(user, 'dashboard.view') && (
              <li>
                <NavLink to="/dashboard">{t('nav.dashboard')}</NavLink>
              </li>
            )}
            {can(user, 'query.raise') && (
              <>
                <li>
                  <NavLink to="/reports/missing">{t('nav.missingReport')}</NavLink>
                </li>
                <li>
                  <NavLink to="/sdv">{t('nav.sdv')}</NavLink>
                </li>
                <li>
                  <NavLink to="/reports/currency">{t('nav.currency')}</NavLink>
                </li>
              </>
            )}
            {can(user, 'export') && (
              <li>
                <NavLink to="/exports">{t('nav.exports')}</NavLink>
              </li>
            )}
            <li>
              <NavLink to="/data-dictionary">{t('nav.dataDictionary')}</NavLink>
            </li>
            {can(user, 'admin.users') && (
              <li>
                <NavLink to="/admin">{t('nav.admin')}</NavLink>
              </li>
            )}
          </ul>
        </nav>
        <div className="topbar-status">
          <NetworkStatus />
          <span className="pending" data-testid="pending-count">
            {t('sync.pending', { count: pending })}
          </span>
          <SyncStatus />
          <LanguageSwitch />
          <span className="who">
            {t('nav.signedInAs', { name: user.displayName, role: roleLabel })}
          </span>
          <button
            type="button"
            onClick={() => void signOut()}
            disabled={blocked}
            aria-describedby={blocked ? 'signout-blocked' : undefined}
          >
            {t('nav.signOut')}
          </button>
          {blocked && (
            <span id="signout-blocked" className="hint">
              {t('nav.signOutBlocked', { count: pending })}
            </span>
          )}
        </div>
      </header>
      {!online && (
        <p className="banner banner-warn" role="status">
          {t('network.offlineHelp')}
        </p>
      )}
      {session.status === 'offline' && online && (
        <p className="banner banner-info" role="status">
          {t('auth.offlineSession', { name: user.displayName })}
        </p>
      )}
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      {session.status === 'expired' && (
        <dialog open className="modal" aria-labelledby="relogin-title" aria-modal="true">
          <h2 id="relogin-title">{t('auth.title')}</h2>
          <p>{t('auth.sessionExpired')}</p>
          <LoginForm fixedUsername={user.username} onSignedIn={signedIn} />
        </dialog>
      )}
    </div>
  );
}

import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { NetworkStatus } from '../../components/NetworkStatus';
import { useOnline } from '../../lib/use-online';
import { LoginForm } from './LoginForm';
import { useSession } from './session';

export function LoginPage() {
  const { t } = useTranslation();
  const { session, signedIn } = useSession();
  const navigate = useNavigate();
  const online = useOnline();
  if (session.status === 'online') return <Navigate to="/" replace />;
  return (
    <main id="main" className="login-page">
      <div className="login-card">
        <h1>{t('app.name')}</h1>
        <p className="muted">{t('app.tagline')}</p>
        <h2>{t('auth.title')}</h2>
        {!online && <p className="banner banner-warn">{t('auth.offlineNoSession')}</p>}
        <LoginForm
          onSignedIn={async (user) => {
            await signedIn(user);
            navigate('/', { replace: true });
          }}
        />
        <div className="login-footer">
          <NetworkStatus />
          <LanguageSwitch />
        </div>
      </div>
    </main>
  );
}

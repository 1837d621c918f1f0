import { useQuery } from '@tanstack/react-query';
import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { db } from '../../offline/db';
import { useCurrentUser } from '../auth/session';

interface Site {
  code: string;
  name: string;
  country: string;
}

/** The user's workspace: the subjects of the sites in their scope, read from the device. */
export function WorkspacePage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const subjects = useLiveQuery(() => db.subjects.orderBy('siteCode').toArray(), [], []);
  const sites = useQuery({
    queryKey: ['sites'],
    queryFn: () => api.get<{ sites: Site[] }>('/api/sites'),
    staleTime: 5 * 60_000,
  });
  const scope =
    user.role === 'data_manager'
      ? t('workspace.scopeAll')
      : user.role === 'monitor'
        ? t('workspace.scopeAssigned', { sites: user.sites.join(', ') })
        : t('workspace.scopeOwnSite', { sites: user.sites.join(', ') });

  return (
    <section aria-labelledby="ws-title">
      <h1 id="ws-title">{t('workspace.title')}</h1>
      <p className="muted" data-testid="scope">
        {scope}
      </p>
      {sites.data && (
        <details>
          <summary>{t('workspace.sites')}</summary>
          <ul>
            {sites.data.sites.map((s) => (
              <li key={s.code}>
                <strong>{s.code}</strong> {s.name}
              </li>
            ))}
          </ul>
        </details>
      )}
      {subjects.length === 0 ? (
        <p>{t('workspace.empty')}</p>
      ) : (
        <ul>
          {subjects.map((s) => (
            <li key={s.id}>{s.label ?? s.provisionalLabel}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

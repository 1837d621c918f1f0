import { registerSW } from 'virtual:pwa-register';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

type Updater = (reload?: boolean) => Promise<void>;

const watched = new WeakSet<ServiceWorker>();

/**
 * Reloads this tab once the waiting worker takes over, whichever tab accepted it.
 * vite-plugin-pwa reloads only a tab that the old worker controlled since it loaded; a tab
 * opened on a first visit never was, and would otherwise go on running the old code (and
 * fetching its chunks) against the new release.
 */
async function reloadWhenActivated(): Promise<void> {
  const next = (await navigator.serviceWorker.getRegistration())?.waiting;
  if (!next || watched.has(next)) return;
  watched.add(next);
  next.addEventListener('statechange', () => {
    if (next.state === 'activated') location.reload();
  });
}

/**
 * Registers the service worker. A new release waits for the user's click (never reloads a
 * tab mid-entry); autosave has already put every keystroke older than 300 ms in IndexedDB,
 * and the keystroke journal the rest.
 */
export function UpdatePrompt() {
  const { t } = useTranslation();
  const [update, setUpdate] = useState<Updater | undefined>();
  useEffect(() => {
    if (!('serviceWorker' in navigator)) return;
    const updateSW = registerSW({
      immediate: true,
      onNeedRefresh() {
        setUpdate(() => updateSW);
        void reloadWhenActivated();
      },
    });
  }, []);
  if (!update) return null;
  return (
    <div className="banner banner-info" role="status">
      <span>{t('app.updateAvailable')}</span>{' '}
      <button type="button" onClick={() => void update(true)}>
        {t('app.updateNow')}
      </button>
    </div>
  );
}

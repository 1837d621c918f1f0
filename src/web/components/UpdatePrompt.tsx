import { registerSW } from 'virtual:pwa-register';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

type Updater = (reload?: boolean) => Promise<void>;

/**
 * Registers the service worker. A new release waits for the user's click (never reloads a
 * tab mid-entry); autosave has already put every keystroke older than 300 ms in IndexedDB.
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

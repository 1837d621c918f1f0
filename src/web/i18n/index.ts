import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import fr from './locales/fr.json';
import ja from './locales/ja.json';

/** Languages of the study's sites; English is complete, the others fall back to it key by key. */
export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'fr', label: 'Français' },
  { code: 'ja', label: '日本語' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'dream.lang';

function initialLanguage(): Language {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (saved && LANGUAGES.some((l) => l.code === saved)) return saved as Language;
  const nav = globalThis.navigator?.language?.slice(0, 2);
  return (LANGUAGES.find((l) => l.code === nav)?.code ?? 'en') as Language;
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, fr: { translation: fr }, ja: { translation: ja } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

i18n.on('languageChanged', (lng) => {
  globalThis.localStorage?.setItem(STORAGE_KEY, lng);
  if (globalThis.document) document.documentElement.lang = lng;
});
if (globalThis.document) document.documentElement.lang = i18n.language;

export default i18n;

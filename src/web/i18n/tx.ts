import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Messages that come from shared code (zod schemas in schemas/, server errors) are English
 * sentences. They still pass through i18n: the `messages` table of a locale maps the English
 * sentence to its translation, and an untranslated sentence shows in English.
 */
export function useTx(): (english: string) => string {
  const { t } = useTranslation();
  return useCallback(
    (english: string) =>
      t(`messages.${english}`, { defaultValue: english, keySeparator: false, nsSeparator: false }),
    [t],
  );
}

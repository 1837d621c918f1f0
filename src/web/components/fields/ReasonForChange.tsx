import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { REASON_TEXT, STANDARD_REASONS, type StandardReason } from '../../offline/outbox';

/**
 * Asked inline when a value already on the server changes (21 CFR 11.10(e)): a common
 * reason, or "Other…" with free text. The reason is stored in English, the audit trail's
 * language, whatever the screen's language.
 */
export function ReasonForChange({
  id,
  fieldLabel,
  onReason,
}: {
  /** Id of the explanatory text, referenced by the field's aria-describedby. */
  id: string;
  fieldLabel: string;
  onReason: (reason: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const selectId = useId();
  const otherId = useId();
  const [choice, setChoice] = useState<StandardReason | 'other' | ''>('');
  const [other, setOther] = useState('');
  const [busy, setBusy] = useState(false);
  const text = choice === 'other' ? other.trim() : choice ? REASON_TEXT[choice] : '';
  return (
    <fieldset className="reason">
      <legend id={id} className="reason-text">
        {t('reason.help', { field: fieldLabel })}
      </legend>
      <div className="reason-controls">
        <label htmlFor={selectId}>{t('reason.label')}</label>
        <select
          id={selectId}
          value={choice}
          onChange={(e) => setChoice(e.target.value as typeof choice)}
        >
          <option value="">{t('reason.choose')}</option>
          {STANDARD_REASONS.map((r) => (
            <option key={r} value={r}>
              {t(`reason.${r}`)}
            </option>
          ))}
          <option value="other">{t('reason.other')}</option>
        </select>
        {choice === 'other' && (
          <>
            <label htmlFor={otherId}>{t('reason.otherText')}</label>
            <input
              id={otherId}
              type="text"
              value={other}
              maxLength={2000}
              onChange={(e) => setOther(e.target.value)}
            />
          </>
        )}
        <button
          type="button"
          disabled={!text || busy}
          onClick={() => {
            setBusy(true);
            void onReason(text).finally(() => setBusy(false));
          }}
        >
          {t('reason.save')}
        </button>
      </div>
    </fieldset>
  );
}

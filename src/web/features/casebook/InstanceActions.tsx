import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { FormKey } from '#schemas/study/keys';
import { useCasebookStore, useStoreSelector } from './store-context';

const EIE_REASONS = ['wrong_patient', 'duplicate', 'not_a_lesion'] as const;
const EIE_TEXT: Record<(typeof EIE_REASONS)[number], string> = {
  wrong_patient: 'Entered for the wrong patient',
  duplicate: 'Duplicate of another record',
  not_a_lesion: 'Not a lesion on review of the images',
};

/**
 * Withdrawing a lesion or a visit. While the server has never seen it, it is simply removed
 * from the device; once synced it can only be marked entered in error, with a reason, and
 * its number is never given again.
 */
export function InstanceActions({
  form,
  instance,
  name,
}: {
  form: FormKey;
  instance: string;
  name: string;
}) {
  const { t } = useTranslation();
  const store = useCasebookStore();
  const navigate = useNavigate();
  const removable = useStoreSelector(
    (s) => s.canRemove(form, instance),
    Object.is,
    `${form}|${instance}`,
  );
  const [step, setStep] = useState<'idle' | 'confirm'>('idle');
  const [choice, setChoice] = useState<(typeof EIE_REASONS)[number] | 'other' | ''>('');
  const [other, setOther] = useState('');
  const [error, setError] = useState<string | undefined>();
  const id = useId();
  const reason = choice === 'other' ? other.trim() : choice ? EIE_TEXT[choice] : '';
  const back = () => navigate(`/subjects/${store.subjectId}`);

  const run = async (action: () => Promise<void>) => {
    setError(undefined);
    try {
      await action();
      back();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  if (step === 'idle')
    return (
      <div className="instance-actions">
        <button type="button" onClick={() => setStep('confirm')}>
          {removable ? t('instance.remove', { name }) : t('instance.markEie', { name })}
        </button>
      </div>
    );

  return (
    <section className="instance-actions card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>
        {removable ? t('instance.remove', { name }) : t('instance.markEie', { name })}
      </h2>
      {removable ? (
        <p>{t('instance.removeHelp', { name })}</p>
      ) : (
        <>
          <p>{t('instance.eieHelp', { name })}</p>
          <div className="field">
            <label htmlFor={`${id}-reason`}>{t('instance.reason')}</label>
            <select
              id={`${id}-reason`}
              value={choice}
              onChange={(e) => setChoice(e.target.value as typeof choice)}
            >
              <option value="">{t('reason.choose')}</option>
              {EIE_REASONS.map((r) => (
                <option key={r} value={r}>
                  {t(`instance.reasons.${r}`)}
                </option>
              ))}
              <option value="other">{t('reason.other')}</option>
            </select>
          </div>
          {choice === 'other' && (
            <div className="field">
              <label htmlFor={`${id}-other`}>{t('reason.otherText')}</label>
              <input
                id={`${id}-other`}
                type="text"
                value={other}
                maxLength={2000}
                onChange={(e) => setOther(e.target.value)}
              />
            </div>
          )}
        </>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="button-row">
        <button
          type="button"
          className="primary"
          disabled={!removable && !reason}
          onClick={() =>
            void run(() =>
              removable
                ? store.remove(form, instance)
                : store.markEnteredInError(form, instance, reason),
            )
          }
        >
          {removable ? t('instance.confirmRemove') : t('instance.confirmEie')}
        </button>
        <button type="button" onClick={() => setStep('idle')}>
          {t('instance.cancel')}
        </button>
      </div>
    </section>
  );
}

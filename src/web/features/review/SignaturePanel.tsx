import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { can } from '#schemas/access/roles';
import { SIGNATURE_MEANING } from '#schemas/api/review';
import { useTx } from '../../i18n/tx';
import { api } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { useCurrentUser } from '../auth/session';
import { currentSignature } from './model';
import { useOnlineAction } from './online-action';
import { useReview, useReviewSubjectId } from './ReviewProvider';

interface Signed {
  id: string;
  printedName: string;
  signedAt: string;
  meaning: string;
}

/**
 * The casebook's e-signature (21 CFR Part 11 §11.50, §11.200): everyone sees whether it is
 * signed, by whom, when and with what meaning, or that the signature was voided by a later
 * change and why. The principal investigator of the site signs by re-entering their
 * password — online only, since the server checks the password.
 */
export function SignaturePanel({ siteCode }: { siteCode: string }) {
  const { t } = useTranslation();
  const tx = useTx();
  const user = useCurrentUser();
  const subjectId = useReviewSubjectId();
  const id = useId();
  const signature = useReview((s) => currentSignature(s.signatures));
  const unsent = useReview((s) => s.unsent);
  const action = useOnlineAction();
  const [password, setPassword] = useState('');
  const [signed, setSigned] = useState<Signed | undefined>();
  const canSign = can(user, 'casebook.sign') && user.sites.includes(siteCode);

  const sign = async () => {
    const res = await action.run(() =>
      api.post<Signed>('/api/signatures', { subjectId, password, meaning: SIGNATURE_MEANING }),
    );
    setPassword('');
    if (res) setSigned(res);
  };
  // The pulled row is the record; the answer of the sign request shows until it arrives.
  const shown =
    signed && (!signature || signature.signedAt < signed.signedAt)
      ? {
          printedName: signed.printedName,
          signedAt: signed.signedAt,
          meaning: signed.meaning,
          state: 'valid' as const,
          voidReason: null,
        }
      : signature;
  const blocked = !action.online ? 'offline' : unsent > 0 ? 'unsent' : undefined;

  return (
    <section
      className="review-box stack"
      aria-labelledby={`${id}-title`}
      data-testid="signature-panel"
    >
      <h2 id={`${id}-title`}>{t('signature.title')}</h2>
      <div data-testid="signature-state">
        {!shown ? (
          <p>{t('signature.none')}</p>
        ) : shown.state === 'valid' ? (
          <>
            <p className="banner banner-ok">
              <span aria-hidden="true">✓ </span>
              {t('signature.valid', {
                name: shown.printedName,
                when: formatDateTime(shown.signedAt, true),
              })}
            </p>
            <p>
              {t('signature.meaning')} <q>{tx(shown.meaning)}</q>
            </p>
          </>
        ) : (
          <>
            <p className="banner banner-warn">
              {t('signature.void', {
                name: shown.printedName,
                when: formatDateTime(shown.signedAt, true),
              })}
            </p>
            {shown.voidReason && <p>{t('signature.voidReason', { reason: shown.voidReason })}</p>}
            <p>
              <Link to={`/subjects/${subjectId}/audit`}>{t('signature.audit')}</Link>
            </p>
          </>
        )}
      </div>
      {canSign && shown?.state !== 'valid' && (
        <form
          className="stack sign-form"
          aria-labelledby={`${id}-title`}
          onSubmit={(e) => {
            e.preventDefault();
            void sign();
          }}
        >
          <p>
            {t('signature.statement', { name: user.displayName })}{' '}
            <q data-testid="signature-meaning">{tx(SIGNATURE_MEANING)}</q>
          </p>
          <label htmlFor={`${id}-password`}>{t('signature.password')}</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby={
              [action.error ? `${id}-error` : '', blocked ? `${id}-blocked` : '']
                .filter(Boolean)
                .join(' ') || undefined
            }
          />
          {blocked && (
            <p id={`${id}-blocked`} className="hint" data-testid="signature-blocked">
              {blocked === 'offline'
                ? t('signature.needsConnection')
                : t('signature.unsent', { count: unsent })}
            </p>
          )}
          {action.error && (
            <p id={`${id}-error`} className="form-error" role="alert">
              {action.error}
            </p>
          )}
          <div>
            <button
              type="submit"
              className="primary"
              disabled={blocked !== undefined || action.busy || !password}
            >
              {t('signature.sign')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

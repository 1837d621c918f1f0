import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { type LoginRequest, loginRequestSchema, type Me } from '#schemas/api/auth';
import { useTx } from '../../i18n/tx';
import { ApiError, api, NetworkError } from '../../lib/api';

/** Username + password; calls onSignedIn with the server's user. Used by the page and the re-login dialog. */
export function LoginForm({
  onSignedIn,
  fixedUsername,
}: {
  onSignedIn: (user: Me) => void | Promise<void>;
  fixedUsername?: string;
}) {
  const { t } = useTranslation();
  const tx = useTx();
  const [serverError, setServerError] = useState<string | undefined>();
  const {
    register,
    handleSubmit,
    formState: { errors, isSubmitting },
  } = useForm<LoginRequest>({
    resolver: zodResolver(loginRequestSchema),
    defaultValues: { username: fixedUsername ?? '', password: '' },
  });

  const onSubmit = handleSubmit(async (values) => {
    setServerError(undefined);
    try {
      const { user } = await api.post<{ user: Me }>('/api/auth/login', values, { quiet401: true });
      await onSignedIn(user);
    } catch (err) {
      if (err instanceof NetworkError) setServerError(t('auth.errors.network'));
      else if (err instanceof ApiError) setServerError(tx(err.message));
      else setServerError(t('auth.errors.generic'));
    }
  });

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="stack"
      aria-describedby={serverError ? 'login-error' : undefined}
    >
      <div className="field">
        <label htmlFor="login-username">{t('auth.username')}</label>
        <input
          id="login-username"
          autoComplete="username"
          autoCapitalize="none"
          readOnly={fixedUsername !== undefined}
          aria-invalid={errors.username ? true : undefined}
          aria-describedby={errors.username ? 'login-username-error' : undefined}
          {...register('username')}
        />
        {errors.username?.message && (
          <p id="login-username-error" className="field-error">
            {tx(errors.username.message)}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="login-password">{t('auth.password')}</label>
        <input
          id="login-password"
          type="password"
          autoComplete="current-password"
          aria-invalid={errors.password ? true : undefined}
          aria-describedby={errors.password ? 'login-password-error' : undefined}
          {...register('password')}
        />
        {errors.password?.message && (
          <p id="login-password-error" className="field-error">
            {tx(errors.password.message)}
          </p>
        )}
      </div>
      {serverError && (
        <p id="login-error" className="form-error" role="alert">
          {serverError}
        </p>
      )}
      <button type="submit" className="primary" disabled={isSubmitting}>
        {isSubmitting ? t('auth.submitting') : t('auth.submit')}
      </button>
    </form>
  );
}

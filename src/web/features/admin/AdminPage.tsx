import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type * as z from 'zod';
import { ROLES } from '#schemas/access/roles';
import { createUserRequestSchema } from '#schemas/api/auth';
import { useTx } from '../../i18n/tx';
import { ApiError, api } from '../../lib/api';

interface Site {
  code: string;
  name: string;
  country: string;
  timezone: string;
}
interface UserRow {
  id: string;
  username: string;
  displayName: string;
  role: (typeof ROLES)[number];
  isPi: boolean;
  active: boolean;
  sites: string[];
}

type FormIn = z.input<typeof createUserRequestSchema>;
type FormOut = z.output<typeof createUserRequestSchema>;

export function AdminPage() {
  const { t } = useTranslation();
  const sites = useQuery({
    queryKey: ['admin', 'sites'],
    queryFn: () => api.get<{ sites: Site[] }>('/api/admin/sites'),
  });
  const users = useQuery({
    queryKey: ['admin', 'users'],
    queryFn: () => api.get<{ users: UserRow[] }>('/api/admin/users'),
  });
  return (
    <section aria-labelledby="admin-title" className="stack">
      <h1 id="admin-title">{t('admin.title')}</h1>
      <h2 id="sites-title">{t('admin.sites')}</h2>
      <table aria-labelledby="sites-title">
        <thead>
          <tr>
            <th scope="col">{t('admin.code')}</th>
            <th scope="col">{t('admin.name')}</th>
            <th scope="col">{t('admin.country')}</th>
            <th scope="col">{t('admin.timezone')}</th>
          </tr>
        </thead>
        <tbody>
          {sites.data?.sites.map((s) => (
            <tr key={s.code}>
              <td>{s.code}</td>
              <td>{s.name}</td>
              <td>{s.country}</td>
              <td>{s.timezone}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2 id="users-title">{t('admin.users')}</h2>
      <table aria-labelledby="users-title" data-testid="users-table">
        <thead>
          <tr>
            <th scope="col">{t('admin.username')}</th>
            <th scope="col">{t('admin.displayName')}</th>
            <th scope="col">{t('admin.role')}</th>
            <th scope="col">{t('admin.pi')}</th>
            <th scope="col">{t('admin.sitesColumn')}</th>
            <th scope="col">{t('admin.active')}</th>
          </tr>
        </thead>
        <tbody>
          {users.data?.users.map((u) => (
            <tr key={u.id}>
              <td>{u.username}</td>
              <td>{u.displayName}</td>
              <td>{t(`roles.${u.role}`)}</td>
              <td>{u.isPi ? t('admin.yes') : t('admin.no')}</td>
              <td>{u.sites.length ? u.sites.join(', ') : t('admin.noSites')}</td>
              <td>{u.active ? t('admin.yes') : t('admin.no')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <CreateUserForm sites={sites.data?.sites ?? []} />
    </section>
  );
}

function CreateUserForm({ sites }: { sites: Site[] }) {
  const { t } = useTranslation();
  const tx = useTx();
  const qc = useQueryClient();
  const [done, setDone] = useState<string | undefined>();
  const {
    register,
    handleSubmit,
    reset,
    setError,
    formState: { errors },
  } = useForm<FormIn, unknown, FormOut>({
    resolver: zodResolver(createUserRequestSchema),
    defaultValues: {
      username: '',
      displayName: '',
      role: 'investigator',
      isPi: false,
      sites: [],
      password: '',
    },
  });
  const create = useMutation({
    mutationFn: (body: FormOut) => api.post<{ id: string }>('/api/admin/users', body),
    onSuccess: async (_r, body) => {
      setDone(t('admin.created', { username: body.username }));
      reset();
      await qc.invalidateQueries({ queryKey: ['admin', 'users'] });
    },
    onError: (err) => {
      const issues =
        (err instanceof ApiError &&
          (err.details as { issues?: { field: string; message: string }[] })?.issues) ||
        [];
      for (const i of issues) setError(i.field as keyof FormIn, { message: i.message });
      if (issues.length === 0) setError('root', { message: err.message });
    },
  });
  const fieldError = (name: keyof FormIn) =>
    errors[name]?.message ? (
      <p id={`cu-${name}-error`} className="field-error">
        {tx(String(errors[name]?.message))}
      </p>
    ) : null;
  const described = (name: keyof FormIn, help?: string) =>
    [errors[name] ? `cu-${name}-error` : '', help ?? ''].filter(Boolean).join(' ') || undefined;

  return (
    <form
      className="stack card"
      aria-labelledby="cu-title"
      noValidate
      onSubmit={handleSubmit((v) => {
        setDone(undefined);
        create.mutate(v);
      })}
    >
      <h2 id="cu-title">{t('admin.createUser')}</h2>
      <div className="field">
        <label htmlFor="cu-username">{t('admin.username')}</label>
        <input
          id="cu-username"
          autoComplete="off"
          aria-describedby={described('username')}
          {...register('username')}
        />
        {fieldError('username')}
      </div>
      <div className="field">
        <label htmlFor="cu-displayName">{t('admin.displayName')}</label>
        <input
          id="cu-displayName"
          aria-describedby={described('displayName')}
          {...register('displayName')}
        />
        {fieldError('displayName')}
      </div>
      <div className="field">
        <label htmlFor="cu-role">{t('admin.role')}</label>
        <select id="cu-role" {...register('role')}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field-inline">
        <input
          id="cu-isPi"
          type="checkbox"
          aria-describedby={described('isPi')}
          {...register('isPi')}
        />
        <label htmlFor="cu-isPi">{t('admin.pi')}</label>
        {fieldError('isPi')}
      </div>
      <fieldset aria-describedby={described('sites', 'cu-sites-help')}>
        <legend>{t('admin.sitesColumn')}</legend>
        <p id="cu-sites-help" className="hint">
          {t('admin.siteHelp')}
        </p>
        {sites.map((s) => (
          <span key={s.code} className="field-inline">
            <input id={`cu-site-${s.code}`} type="checkbox" value={s.code} {...register('sites')} />
            <label htmlFor={`cu-site-${s.code}`}>
              {s.code} {s.name}
            </label>
          </span>
        ))}
        {fieldError('sites')}
      </fieldset>
      <div className="field">
        <label htmlFor="cu-password">{t('admin.password')}</label>
        <input
          id="cu-password"
          type="password"
          autoComplete="new-password"
          aria-describedby={described('password', 'cu-password-help')}
          {...register('password')}
        />
        <p id="cu-password-help" className="hint">
          {t('admin.passwordHelp')}
        </p>
        {fieldError('password')}
      </div>
      {errors.root?.message && (
        <p className="form-error" role="alert">
          {tx(errors.root.message)}
        </p>
      )}
      {done && (
        <p className="banner banner-ok" role="status">
          {done}
        </p>
      )}
      <button type="submit" className="primary" disabled={create.isPending}>
        {t('admin.create')}
      </button>
    </form>
  );
}

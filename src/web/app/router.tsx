import { useTranslation } from 'react-i18next';
import { createBrowserRouter, Link, Navigate, Outlet, useRouteError } from 'react-router';
import { type Action, can } from '#schemas/access/roles';
import { AdminPage } from '../features/admin/AdminPage';
import { AuditPage } from '../features/audit/AuditPage';
import { LoginPage } from '../features/auth/LoginPage';
import { useSession } from '../features/auth/session';
import { CasebookLayout } from '../features/casebook/CasebookLayout';
import { CasebookOverview } from '../features/casebook/CasebookOverview';
import { FormPage } from '../features/casebook/FormPage';
import { ConflictsPage } from '../features/conflicts/ConflictsPage';
import { DataDictionaryPage } from '../features/data-dictionary/DataDictionaryPage';
import { ExportsPage } from '../features/exports/ExportsPage';
import { QueriesPage } from '../features/queries/QueriesPage';
import { QueryThreadPage } from '../features/queries/QueryThreadPage';
import { CurrencyPage } from '../features/reports/CurrencyPage';
import { MissingReportPage } from '../features/reports/MissingReportPage';
import { SdvPage } from '../features/sdv/SdvPage';
import { SubjectListPage } from '../features/subjects/SubjectListPage';
import { Shell } from './Shell';

/** Signed-in (or offline with a known user) pages only; everyone else goes to /login. */
function RequireSession() {
  const { t } = useTranslation();
  const { session } = useSession();
  if (session.status === 'loading')
    return (
      <p className="loading" role="status">
        {t('app.loading')}
      </p>
    );
  if (session.status === 'signed_out') return <Navigate to="/login" replace />;
  return <Outlet />;
}

/** A page for roles allowed `action`; others see a clear refusal, not a blank page. */
function RequireAction({ action }: { action: Action }) {
  const { t } = useTranslation();
  const { session } = useSession();
  if (session.status === 'loading' || session.status === 'signed_out') return null;
  if (!can(session.user, action))
    return (
      <div role="alert">
        <p>{t('errors.forbidden')}</p>
        <Link to="/">{t('errors.backHome')}</Link>
      </div>
    );
  return <Outlet />;
}

/** Each role starts where its work is. */
function Home() {
  const { session } = useSession();
  if (session.status === 'loading' || session.status === 'signed_out') return null;
  return <Navigate to={session.user.role === 'admin' ? '/admin' : '/subjects'} replace />;
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <div>
      <h1>{t('errors.notFound')}</h1>
      <Link to="/">{t('errors.backHome')}</Link>
    </div>
  );
}

function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError() as Error | undefined;
  return (
    <main id="main" role="alert">
      <p>{t('errors.unexpected', { message: error?.message ?? '' })}</p>
      <Link to="/">{t('errors.backHome')}</Link>
    </main>
  );
}

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage />, errorElement: <RouteError /> },
  {
    element: <RequireSession />,
    errorElement: <RouteError />,
    children: [
      {
        element: <Shell />,
        children: [
          { index: true, element: <Home /> },
          {
            element: <RequireAction action="clinical.read" />,
            children: [
              { path: 'subjects', element: <SubjectListPage /> },
              {
                path: 'subjects/:subjectId',
                element: <CasebookLayout />,
                children: [
                  { index: true, element: <CasebookOverview /> },
                  { path: 'audit', element: <AuditPage /> },
                  { path: 'conflicts', element: <ConflictsPage /> },
                  { path: ':form/:instance', element: <FormPage /> },
                ],
              },
              { path: 'conflicts', element: <ConflictsPage /> },
              { path: 'queries', element: <QueriesPage /> },
              { path: 'queries/:queryId', element: <QueryThreadPage /> },
            ],
          },
          {
            // Data managers and monitors: the review reports (computed by the server).
            element: <RequireAction action="query.raise" />,
            children: [
              { path: 'reports/missing', element: <MissingReportPage /> },
              { path: 'reports/currency', element: <CurrencyPage /> },
              { path: 'sdv', element: <SdvPage /> },
            ],
          },
          {
            element: <RequireAction action="dashboard.view" />,
            children: [
              {
                path: 'dashboard',
                // Observable Plot and d3 load with this page only.
                lazy: async () => ({
                  Component: (await import('../features/dashboard/DashboardPage')).DashboardPage,
                }),
              },
            ],
          },
          {
            element: <RequireAction action="admin.users" />,
            children: [{ path: 'admin', element: <AdminPage /> }],
          },
          {
            element: <RequireAction action="export" />,
            children: [{ path: 'exports', element: <ExportsPage /> }],
          },
          { path: 'data-dictionary', element: <DataDictionaryPage /> },
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
  },
]);

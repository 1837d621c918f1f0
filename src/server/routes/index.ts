import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app';
import { adminRoutes } from './admin';
import { auditRoutes } from './audit';
import { authRoutes } from './auth';
import { dashboardRoutes } from './dashboard';
import { exportRoutes } from './exports';
import { healthRoutes } from './health';
import { importRoutes } from './import';
import { lockRoutes } from './locks';
import { queryRoutes } from './queries';
import { reportRoutes } from './reports';
import { sdvRoutes } from './sdv';
import { signatureRoutes } from './signatures';
import { siteRoutes } from './sites';
import { syncRoutes } from './sync';

/** A route module adds its routes under /api, given the app's dependencies. */
export type RouteModule = (app: FastifyInstance, deps: AppDeps) => Promise<void>;

/** Every route module, in registration order: the API's table of contents. */
export const routeModules: RouteModule[] = [
  healthRoutes,
  authRoutes,
  siteRoutes,
  adminRoutes,
  syncRoutes,
  auditRoutes,
  queryRoutes,
  sdvRoutes,
  signatureRoutes,
  lockRoutes,
  reportRoutes,
  exportRoutes,
  importRoutes,
  dashboardRoutes,
];

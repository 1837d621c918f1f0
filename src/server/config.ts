import path from 'node:path';
import * as z from 'zod';

/** Runtime configuration, read once from the environment at start-up. */
export interface ServerConfig {
  host: string;
  port: number;
  /** PGlite data directory, used when no `databaseUrl` is set. `memory://` keeps it in RAM. */
  dataDir: string;
  databaseUrl: string | undefined;
  /** Built SPA served at `/`; absent in API-only tests. */
  staticDir: string | undefined;
  /** Idle timeout of a session: no request for this long logs the user out. */
  sessionIdleMinutes: number;
  /** Absolute lifetime of a session, however active (ASVS 7.3). */
  sessionAbsoluteHours: number;
  /** Failed logins allowed per IP and per username in the rate window. */
  loginRateMax: number;
  loginRateWindowMs: number;
  /** Demo accounts' password when seeding; random per user when absent. */
  demoPassword: string | undefined;
  /** Seed the synthetic demo cohort on an empty database. */
  seedDemo: boolean;
  /** With the demo accounts, also seed the synthetic cohort (off in tests that count subjects). */
  seedCohort: boolean;
  /** Set `Secure` on cookies; off for plain-http localhost. */
  secureCookies: boolean;
  logLevel: string;
}

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const envSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  STATIC_DIR: z.string().optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().positive().default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().positive().default(12),
  LOGIN_RATE_MAX: z.coerce.number().int().positive().default(10),
  LOGIN_RATE_WINDOW_MS: z.coerce.number().int().positive().default(60_000),
  DEMO_PASSWORD: z.string().min(12).optional(),
  SEED_DEMO: bool.default(true),
  SEED_COHORT: bool.default(true),
  SECURE_COOKIES: bool.default(false),
  LOG_LEVEL: z.string().default('info'),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  // An empty variable means "not set" (e.g. DATABASE_URL= to force PGlite).
  const e = envSchema.parse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  return {
    host: e.HOST,
    port: e.PORT,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    staticDir: path.resolve(e.STATIC_DIR ?? 'dist'),
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: e.SESSION_ABSOLUTE_HOURS,
    loginRateMax: e.LOGIN_RATE_MAX,
    loginRateWindowMs: e.LOGIN_RATE_WINDOW_MS,
    demoPassword: e.DEMO_PASSWORD,
    seedDemo: e.SEED_DEMO,
    seedCohort: e.SEED_COHORT,
    secureCookies: e.SECURE_COOKIES,
    logLevel: e.LOG_LEVEL,
  };
}

/** Defaults for tests: in-memory database, no static files, no seeding. */
export function testConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    ...loadConfig({}),
    dataDir: 'memory://',
    staticDir: undefined,
    seedDemo: false,
    seedCohort: false,
    logLevel: 'silent',
    ...overrides,
  };
}

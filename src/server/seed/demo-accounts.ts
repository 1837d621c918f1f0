import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Role } from '#schemas/access/roles';
import { hashPassword } from '../auth/passwords';
import { insertSite, type Site } from '../db/queries/sites';
import { insertUser } from '../db/queries/users';
import type { Database } from '../db/schema';

/** A handful of the study's centres (crf-spec.md §1). */
export const DEMO_SITES: Site[] = [
  { code: 'FR01', name: 'Institut Bergonié, Bordeaux', country: 'FR', timezone: 'Europe/Paris' },
  { code: 'FR02', name: 'Gustave Roussy, Villejuif', country: 'FR', timezone: 'Europe/Paris' },
  {
    code: 'AT01',
    name: 'Medical University of Innsbruck',
    country: 'AT',
    timezone: 'Europe/Vienna',
  },
  {
    code: 'BE01',
    name: 'Cliniques universitaires Saint-Luc, Brussels',
    country: 'BE',
    timezone: 'Europe/Brussels',
  },
  {
    code: 'US01',
    name: 'MD Anderson Cancer Center, Houston',
    country: 'US',
    timezone: 'America/Chicago',
  },
  {
    code: 'JP01',
    name: 'Hyogo Medical University, Nishinomiya',
    country: 'JP',
    timezone: 'Asia/Tokyo',
  },
];

export interface DemoAccount {
  username: string;
  displayName: string;
  role: Role;
  isPi: boolean;
  sites: string[];
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    username: 'inv.fr01',
    displayName: 'Dr Claire Martin',
    role: 'investigator',
    isPi: true,
    sites: ['FR01'],
  },
  {
    username: 'coinv.fr01',
    displayName: 'Dr Hugo Bernard',
    role: 'investigator',
    isPi: false,
    sites: ['FR01'],
  },
  {
    username: 'inv.jp01',
    displayName: 'Dr Kenji Sato',
    role: 'investigator',
    isPi: true,
    sites: ['JP01'],
  },
  // The principal investigators of the other demo sites, who enter the demo cohort there
  // (seed/cohort.ts).
  {
    username: 'pi.fr02',
    displayName: 'Dr Sophie Laurent',
    role: 'investigator',
    isPi: true,
    sites: ['FR02'],
  },
  {
    username: 'pi.at01',
    displayName: 'Dr Stefan Gruber',
    role: 'investigator',
    isPi: true,
    sites: ['AT01'],
  },
  {
    username: 'pi.be01',
    displayName: 'Dr Pieter Janssens',
    role: 'investigator',
    isPi: true,
    sites: ['BE01'],
  },
  {
    username: 'pi.us01',
    displayName: 'Dr Emily Carter',
    role: 'investigator',
    isPi: true,
    sites: ['US01'],
  },
  {
    username: 'datamanager',
    displayName: 'Anna Weber (data manager)',
    role: 'data_manager',
    isPi: false,
    sites: [],
  },
  {
    username: 'monitor',
    displayName: 'Luc Dubois (monitor)',
    role: 'monitor',
    isPi: false,
    sites: ['FR01', 'AT01'],
  },
  { username: 'admin', displayName: 'Study administrator', role: 'admin', isPi: false, sites: [] },
];

export interface SeededCredential {
  username: string;
  password: string;
  role: Role;
  displayName: string;
  sites: string[];
}

/**
 * Seeds sites and one account per role on an empty database. Returns the credentials so
 * the caller can print them once; they are never stored in clear.
 * Returns [] when the database already has users.
 */
export async function seedDemoAccounts(
  db: Kysely<Database>,
  fixedPassword?: string,
): Promise<SeededCredential[]> {
  const existing = await db.selectFrom('users').select('id').limit(1).execute();
  if (existing.length > 0) return [];
  const accounts = await Promise.all(
    DEMO_ACCOUNTS.map(async (a) => {
      const password = fixedPassword ?? randomBytes(12).toString('base64url');
      return { ...a, password, passwordHash: await hashPassword(password) };
    }),
  );
  // All or nothing: a half-seeded database would never be seeded again.
  await db.transaction().execute(async (trx) => {
    for (const site of DEMO_SITES) await insertSite(trx, site);
    for (const a of accounts) await insertUser(trx, a);
  });
  return accounts.map(({ username, password, role, displayName, sites }) => ({
    username,
    password,
    role,
    displayName,
    sites,
  }));
}

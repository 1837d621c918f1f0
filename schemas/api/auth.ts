import * as z from 'zod';
import { type Role, roleSchema, siteCodeSchema } from '../access/roles';

export const loginRequestSchema = z.object({
  username: z.string().trim().min(1, 'Enter your username').max(64),
  password: z.string().min(1, 'Enter your password').max(256),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

/** The signed-in user as the browser sees it (also cached offline for a cold start). */
export const meSchema = z.object({
  id: z.string().uuid(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  isPi: z.boolean(),
  locale: z.string(),
  sites: z.array(z.string()),
  sessionExpiresAt: z.string().optional(),
});
export type Me = z.infer<typeof meSchema>;

/**
 * Password policy (NIST SP 800-63B §3.1.1.2, ASVS 6.2): at least 12 characters, at most 128,
 * not a well-known password or the username; no composition rules and no forced rotation.
 */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

// The most common passwords of 12+ characters in public breach corpora; the policy's
// length floor already excludes the shorter ones.
const COMMON_LONG_PASSWORDS = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789123',
  'qwertyuiopasdfghjkl',
  'qwertyuiop12',
  'qwertyuiop123',
  'qwerty123456',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'password1234',
  'password12345',
  'password123456',
  'passwordpassword',
  'iloveyou1234',
  'abcdefghijkl',
  'abc123456789',
  'aaaaaaaaaaaa',
  '111111111111',
  '000000000000',
  'changeme1234',
  'welcome12345',
  'letmein12345',
  'administrator',
  'administrator1',
  'trustno1trustno1',
  'football1234',
  'baseball1234',
  'superman1234',
  'princess1234',
  'sunshine1234',
  'monkey123456',
  'dragon123456',
  'master123456',
  'qazwsxedcrfv',
  'zaq12wsxcde3',
  'asdfghjkl123',
  'motdepasse123',
  'passwort1234',
]);

export function passwordProblem(password: string, username?: string): string | undefined {
  if (password.length < PASSWORD_MIN)
    return `Password must have at least ${PASSWORD_MIN} characters.`;
  if (password.length > PASSWORD_MAX)
    return `Password must have at most ${PASSWORD_MAX} characters.`;
  const lower = password.toLowerCase();
  if (COMMON_LONG_PASSWORDS.has(lower)) return 'This password is too common; choose another.';
  if (username && lower.includes(username.toLowerCase()))
    return 'Password must not contain the username.';
  if (new Set(password).size < 4) return 'Password is too repetitive; choose another.';
  return undefined;
}

export const createUserRequestSchema = z
  .object({
    username: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9._-]{3,64}$/, 'Username: 3–64 characters, letters, digits, . _ - only'),
    displayName: z.string().trim().min(1, 'Full name is required').max(200),
    role: roleSchema,
    isPi: z.boolean().default(false),
    sites: z.array(siteCodeSchema).max(50).default([]),
    password: z.string(),
  })
  .superRefine((u, ctx) => {
    const problem = passwordProblem(u.password, u.username);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
    if (u.isPi && u.role !== 'investigator')
      ctx.addIssue({
        code: 'custom',
        path: ['isPi'],
        message: 'Only an investigator can be a principal investigator.',
      });
    const sites = sitesProblem(u.role, u.sites);
    if (sites) ctx.addIssue({ code: 'custom', path: ['sites'], message: sites });
  });
export type CreateUserRequest = z.input<typeof createUserRequestSchema>;

/** Which sites a role may be linked to (crf-spec.md §1), or undefined when these fit. */
export function sitesProblem(role: Role, sites: readonly string[]): string | undefined {
  if (role === 'investigator' && sites.length !== 1)
    return 'An investigator belongs to exactly one site.';
  if (role === 'monitor' && sites.length === 0)
    return 'A monitor needs at least one assigned site.';
  if ((role === 'data_manager' || role === 'admin') && sites.length > 0)
    return 'Data managers see all sites and admins none: leave sites empty.';
  return undefined;
}

/**
 * An administrator changes a user's sites or deactivates the account. Either takes effect
 * on the user's next request: every session of the user is revoked, and their devices drop
 * the data of a site they lost at the next sync. A reason is recorded in the audit trail.
 */
export const updateUserRequestSchema = z
  .object({
    sites: z.array(siteCodeSchema).max(50).optional(),
    active: z.boolean().optional(),
    reason: z.string().trim().min(1, 'Give a reason for the change').max(2000),
  })
  .refine((u) => u.sites !== undefined || u.active !== undefined, {
    message: 'Change the sites or the active flag',
  });
export type UpdateUserRequest = z.input<typeof updateUserRequestSchema>;

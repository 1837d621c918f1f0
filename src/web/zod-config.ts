import * as z from 'zod';

/**
 * zod compiles object parsers with `new Function` when it may. Our CSP (`script-src 'self'`,
 * no 'unsafe-eval') refuses that; zod would fall back, but only after the browser has
 * reported a CSP violation on every page. Jitless mode never tries. Imported first by
 * main.tsx, before any schema parses.
 */
z.config({ jitless: true });

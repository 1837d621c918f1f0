import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { AppDeps } from '../app';
import { auditSystemEvent } from '../audit/system-events';
import { requireUser } from '../auth/plugin';
import { importOdmSnapshot } from '../exports/odm-import';
import { forbidden, HttpError } from '../http/errors';
import { parseBody } from '../http/validate';

/** An exported study of a few hundred subjects is tens of MB of XML. */
const IMPORT_BODY_LIMIT = 256 * 1024 * 1024;
const CHUNK = 64 * 1024;

const importSchema = z.object({ odm: z.string().min(1, 'Choose an ODM file to import.') });

function* chunksOf(text: string): Generator<string> {
  for (let i = 0; i < text.length; i += CHUNK) yield text.slice(i, i + CHUNK);
}

/**
 * Import of an ODM Snapshot into an empty study (migration, training environments); data
 * managers only. The file travels inside JSON (`{ "odm": "<?xml …" }`) because every
 * state-changing API call must be JSON (the cross-site request guard in app.ts).
 */
export async function importRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  app.post('/api/import/odm', { bodyLimit: IMPORT_BODY_LIMIT }, async (req) => {
    const user = requireUser(req);
    // Data managers hold the whole study in scope: an import creates subjects at every site.
    if (user.role !== 'data_manager') throw forbidden('import data');
    const { odm } = parseBody(importSchema, req.body);
    const result = await importOdmSnapshot(db, user, chunksOf(odm));
    const actor = { id: user.id, username: user.username, role: user.role };
    if (!result.ok) {
      await auditSystemEvent(db, {
        event: 'import_refused',
        actor,
        details: {
          reason: result.reason,
          errors: result.reason === 'invalid' ? result.errorCount : 0,
        },
      });
      if (result.reason === 'not_empty')
        throw new HttpError(
          409,
          'study_not_empty',
          'The study already has subjects: an ODM file can only be imported into an empty study.',
        );
      throw new HttpError(
        422,
        'invalid_import',
        `${result.errorCount} value(s) or subject(s) failed the checks: nothing was imported.`,
        { errors: result.errors, errorCount: result.errorCount },
      );
    }
    return { subjects: result.subjects, values: result.values };
  });
}

import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Serves the built SPA. Hashed assets are immutable; the HTML shell, the service worker and
 * the manifest must be revalidated so that a new release reaches every device.
 * Unknown non-API GETs that want HTML get index.html (client-side routing).
 */
export async function serveSpa(app: FastifyInstance, root: string): Promise<void> {
  const index = path.join(root, 'index.html');
  if (!existsSync(index)) {
    app.log.warn(`No built client at ${root}; run "npm run build". Serving the API only.`);
    return;
  }
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    setHeaders(res, filePath) {
      const rel = path.relative(root, filePath);
      if (rel.startsWith(`assets${path.sep}`)) {
        res.header('cache-control', 'public, max-age=31536000, immutable');
      } else {
        res.header('cache-control', 'no-cache');
      }
    },
  });
  app.get('/', (_req, reply) => reply.sendFile('index.html'));
  app.get('/*', (req, reply) => {
    const urlPath = decodeURIComponent(req.url.split('?')[0] ?? '/');
    const file = path.join(root, path.normalize(urlPath));
    if (file.startsWith(root) && existsSync(file) && !file.endsWith(path.sep)) {
      return reply.sendFile(path.relative(root, file));
    }
    if (urlPath.startsWith('/api/')) {
      return reply.code(404).send({ error: { code: 'not_found', message: 'No such endpoint.' } });
    }
    // A missing hashed asset must 404, not get HTML back (which would break the module loader).
    if (urlPath.startsWith('/assets/')) {
      return reply.code(404).send({ error: { code: 'not_found', message: 'No such file.' } });
    }
    return reply.sendFile('index.html');
  });
}

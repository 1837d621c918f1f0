import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The dependency direction of the codebase:
 *
 *   schemas/  ← src/web/
 *   schemas/  ← src/server/
 *
 * `schemas/` is shared by browser and server and imports nothing but zod (tests may also
 * use vitest and fast-check). The browser app and the server never import each other.
 */
export type Layer = 'schemas' | 'web' | 'server' | 'other';

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  rule: string;
}

const SCHEMAS_PACKAGES = new Set(['zod']);
const SCHEMAS_TEST_PACKAGES = new Set(['zod', 'vitest', 'fast-check']);

export function layerOf(root: string, file: string): Layer {
  const rel = path.relative(root, file).split(path.sep).join('/');
  if (rel.startsWith('schemas/')) return 'schemas';
  if (rel.startsWith('src/web/')) return 'web';
  if (rel.startsWith('src/server/')) return 'server';
  return 'other';
}

const IMPORT_RE =
  /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

export function specifiersOf(source: string): { specifier: string; line: number }[] {
  const out: { specifier: string; line: number }[] = [];
  for (const m of source.matchAll(IMPORT_RE)) {
    const specifier = m[1] ?? m[2];
    if (!specifier) continue;
    const line =
      source.slice(0, m.index ?? 0).split('\n').length + (source[m.index ?? 0] === '\n' ? 1 : 0);
    out.push({ specifier, line });
  }
  return out;
}

/** The violations of one file, given its path and text. */
export function checkFile(root: string, file: string, source: string): Violation[] {
  const from = layerOf(root, file);
  if (from === 'other') return [];
  const isTest = /\.test\.tsx?$/.test(file);
  const out: Violation[] = [];
  for (const { specifier, line } of specifiersOf(source)) {
    let target: Layer | 'package';
    if (specifier.startsWith('.'))
      target = layerOf(root, path.resolve(path.dirname(file), specifier));
    else if (specifier.startsWith('#schemas/')) target = 'schemas';
    else target = 'package';
    const pkg = specifier.startsWith('@')
      ? specifier.split('/').slice(0, 2).join('/')
      : (specifier.split('/')[0] ?? specifier);
    const bad = (rule: string) =>
      out.push({ file: path.relative(root, file), line, specifier, rule });
    if (from === 'schemas') {
      if (target === 'web' || target === 'server' || target === 'other')
        bad('schemas/ imports only schemas/ and zod');
      else if (
        target === 'package' &&
        !(isTest ? SCHEMAS_TEST_PACKAGES : SCHEMAS_PACKAGES).has(pkg)
      )
        bad(`schemas/ imports only zod (found package "${pkg}")`);
    } else if (from === 'web' && target === 'server') {
      bad('src/web must not import src/server (share through schemas/)');
    } else if (from === 'server' && target === 'web') {
      bad('src/server must not import src/web (share through schemas/)');
    }
  }
  return out;
}

function walk(dir: string, acc: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, acc);
    else if (/\.(ts|tsx|mts)$/.test(name)) acc.push(full);
  }
  return acc;
}

/** Every violation under `root`'s schemas/, src/web/ and src/server/. */
export function checkTree(root: string): Violation[] {
  const dirs = ['schemas', 'src/web', 'src/server'].map((d) => path.join(root, d));
  return dirs
    .filter((d) => {
      try {
        return statSync(d).isDirectory();
      } catch {
        return false;
      }
    })
    .flatMap((d) => walk(d))
    .flatMap((f) => checkFile(root, f, readFileSync(f, 'utf8')));
}

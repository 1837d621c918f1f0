import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile, checkTree, specifiersOf } from './import-rules';

const root = '/repo';
const f = (rel: string) => path.join(root, rel);

describe('import direction', () => {
  it.each([
    ['schemas/rules/a.ts', "import * as z from 'zod';", 0],
    ['schemas/rules/a.ts', "import { b } from '../study/b';", 0],
    ['schemas/rules/a.ts', "import React from 'react';", 1],
    ['schemas/rules/a.ts', "import { db } from '../../src/server/db/connection';", 1],
    ['schemas/rules/a.test.ts', "import { it } from 'vitest';", 0],
    ['schemas/rules/a.ts', "import { it } from 'vitest';", 1],
    ['src/web/app/x.tsx', "import { can } from '#schemas/access/roles';", 0],
    ['src/web/app/x.tsx', "import { buildApp } from '../../server/app';", 1],
    ['src/web/app/x.tsx', "const m = await import('../../server/app');", 1],
    ['src/server/routes/x.ts', "export { db } from '../../web/offline/db';", 1],
    ['src/server/routes/x.ts', "import type { Me } from '#schemas/api/auth';", 0],
  ])('%s: %s → %i violation(s)', (file, source, n) => {
    expect(checkFile(root, f(file), source)).toHaveLength(n);
  });

  it('reads multi-line imports and reports their line', () => {
    const src = "// x\nimport {\n  a,\n  b,\n} from '../../src/web/a';\n";
    expect(specifiersOf(src)).toEqual([{ specifier: '../../src/web/a', line: 2 }]);
  });

  it('fails on a planted violation in a real tree and passes once it is removed', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'imports-'));
    mkdirSync(path.join(dir, 'src/web'), { recursive: true });
    mkdirSync(path.join(dir, 'src/server'), { recursive: true });
    writeFileSync(path.join(dir, 'src/server/app.ts'), 'export const x = 1;\n');
    writeFileSync(path.join(dir, 'src/web/planted.ts'), "import { x } from '../server/app';\n");
    expect(checkTree(dir).map((v) => v.file)).toEqual(['src/web/planted.ts']);
    writeFileSync(path.join(dir, 'src/web/planted.ts'), 'export const y = 2;\n');
    expect(checkTree(dir)).toEqual([]);
  });

  it('the project itself has no violations', () => {
    expect(checkTree(process.cwd())).toEqual([]);
  });
});

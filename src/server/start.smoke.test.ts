import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm start` as a newcomer runs it: the built client served by the real server process on
 * a fresh embedded database, demo accounts printed once. (npm start = build + this entry;
 * the build has run before this project, see package.json "test".)
 */
const root = path.resolve(import.meta.dirname, '../..');
let proc: ChildProcess;
let base: string;
let output = '';
let dataDir: string;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  if (!existsSync(path.join(root, 'dist/index.html'))) throw new Error('Run "npm run build" first');
  dataDir = mkdtempSync(path.join(tmpdir(), 'dream-start-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  delete env.DEMO_PASSWORD;
  proc = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: root, env });
  proc.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const deadline = Date.now() + 90_000;
  while (!output.includes('admin ') && Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 120_000);

afterAll(() => {
  proc?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

function credentials(): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of output.split('\n')) {
    const match = /^\s+(investigator|data_manager|monitor|admin)\s+(\S+)\s+(\S+)/.exec(line);
    if (match) m.set(match[2]!, match[3]!);
  }
  return m;
}

const login = (username: string, password: string) =>
  fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });

describe('npm start on a fresh data directory', () => {
  it('prints the URL and one demo account per role', () => {
    expect(output).toContain('DREAM eCRF listening on http://');
    expect(output).toMatch(/Database: PGlite/);
    const creds = credentials();
    expect([...creds.keys()].sort()).toEqual([
      'admin',
      'coinv.fr01',
      'datamanager',
      'inv.fr01',
      'inv.jp01',
      'monitor',
      'pi.at01',
      'pi.be01',
      'pi.fr02',
      'pi.us01',
    ]);
    expect(output).toMatch(/Demo cohort: 40 synthetic patients/);
  });

  it('serves the built app and falls back to it for client routes', async () => {
    const home = await fetch(`${base}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<div id="root">');
    const deep = await fetch(`${base}/subjects`, { headers: { accept: 'text/html' } });
    expect(await deep.text()).toContain('<div id="root">');
    expect((await fetch(`${base}/sw.js`)).status).toBe(200);
    expect((await fetch(`${base}/assets/missing-chunk.js`)).status).toBe(404);
    expect((await fetch(`${base}/api/nope`)).status).toBe(404);
  });

  it('lets every demo role sign in with the printed password', async () => {
    for (const [username, password] of credentials()) {
      const res = await login(username, password);
      expect(res.status, username).toBe(200);
    }
  });

  it('answers a wrong password with a generic 401, and 20 rapid bad logins with 429', async () => {
    const first = await login('monitor', 'wrong-password-here');
    expect(first.status).toBe(401);
    expect(((await first.json()) as { error: { message: string } }).error.message).toBe(
      'Username or password is incorrect.',
    );
    const codes: number[] = [];
    for (let i = 0; i < 20; i++) codes.push((await login('monitor', `wrong-${i}-password`)).status);
    expect(codes).toContain(429);
    expect(codes.at(-1)).toBe(429);
  });

  it('keeps its data across a restart without re-seeding', async () => {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    const before = output;
    const port = Number(new URL(base).port);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    proc = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: root, env });
    let again = '';
    proc.stdout?.on('data', (d: Buffer) => {
      again += d.toString();
    });
    const deadline = Date.now() + 60_000;
    while (!again.includes('listening') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(again).not.toContain('Demo accounts');
    const [user, pass] = [...credentials().entries()][0]!;
    expect(output).toBe(before);
    expect((await login(user, pass)).status).toBe(200);
  });
});

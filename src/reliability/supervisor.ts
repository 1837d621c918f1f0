import { freePort, type ServerProcess, startServer } from '../server/testing/server-process';

export interface SupervisorOptions {
  /** PGlite data directory, or … */
  dataDir?: string | undefined;
  /** … a PostgreSQL database. */
  databaseUrl?: string | undefined;
  env: Record<string, string>;
}

/**
 * Runs the real server process (`src/server/main.ts`) and brings it back whenever it dies —
 * killed by the test, or by its own fault switch — on the same data and, when it can, the
 * same port. Optionally SIGKILLs it every few seconds of uptime.
 */
export class Supervisor {
  private proc: ServerProcess | undefined;
  private port = 0;
  private stopping = false;
  private restarting: Promise<void> | undefined;
  private killTimer: ReturnType<typeof setTimeout> | undefined;
  private killsLeft = 0;
  private killEveryMs = 0;
  /** Deaths the test did not ask for (the server's own fault switch). */
  selfKills = 0;
  /** SIGKILLs sent by the kill loop. */
  timedKills = 0;
  restarts = 0;
  /** Wall time spent (re)starting. */
  startMs = 0;
  private env: Record<string, string>;

  constructor(private readonly o: SupervisorOptions) {
    this.env = { ...o.env };
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  output(): string {
    return this.proc?.output() ?? '';
  }

  /** Everything printed by every server process so far. */
  private past = '';
  allOutput(): string {
    return this.past + this.output();
  }

  async start(env?: Record<string, string>): Promise<void> {
    if (env) this.env = { ...env };
    this.stopping = false;
    this.port ||= await freePort();
    const t0 = Date.now();
    let proc: ServerProcess;
    try {
      proc = await startServer({
        ...(this.o.dataDir ? { dataDir: this.o.dataDir } : {}),
        ...(this.o.databaseUrl ? { databaseUrl: this.o.databaseUrl } : {}),
        port: this.port,
        env: this.env,
        timeoutMs: 180_000,
      });
    } catch (err) {
      // The port was taken while the server was down: come back on another one.
      if (!String(err).includes('EADDRINUSE')) throw err;
      this.port = await freePort();
      proc = await startServer({
        ...(this.o.dataDir ? { dataDir: this.o.dataDir } : {}),
        ...(this.o.databaseUrl ? { databaseUrl: this.o.databaseUrl } : {}),
        port: this.port,
        env: this.env,
        timeoutMs: 180_000,
      });
    }
    this.startMs += Date.now() - t0;
    this.proc = proc;
    void proc.exited.then(() => this.onExit(proc));
    this.armKill();
  }

  private onExit(proc: ServerProcess): void {
    this.past += proc.output();
    if (this.proc !== proc || this.stopping) return;
    clearTimeout(this.killTimer);
    if (!this.killedByUs.has(proc)) this.selfKills++;
    this.restarts++;
    this.restarting = this.start().finally(() => {
      this.restarting = undefined;
    });
  }

  private readonly killedByUs = new WeakSet<ServerProcess>();

  /** SIGKILL the server `count` times, each after `everyMs` of uptime. */
  killLoop(count: number, everyMs: number): void {
    this.killsLeft = count;
    this.killEveryMs = everyMs;
    this.armKill();
  }

  private armKill(): void {
    clearTimeout(this.killTimer);
    if (this.killsLeft <= 0 || this.stopping) return;
    const proc = this.proc;
    this.killTimer = setTimeout(() => {
      const alive = proc?.proc.exitCode === null && proc.proc.signalCode === null;
      if (!proc || !alive || proc !== this.proc || this.stopping || this.killsLeft <= 0) return;
      this.killsLeft--;
      this.timedKills++;
      this.killedByUs.add(proc);
      proc.proc.kill('SIGKILL');
    }, this.killEveryMs);
  }

  /** Stops the kill loop and waits until a server is up. */
  async settle(): Promise<void> {
    this.killsLeft = 0;
    clearTimeout(this.killTimer);
    while (this.restarting) await this.restarting;
  }

  /** Stops the server (SIGTERM: a clean shutdown) and stays down. */
  async stop(): Promise<void> {
    await this.settle();
    this.stopping = true;
    await this.proc?.kill('SIGTERM');
    this.proc = undefined;
  }
}

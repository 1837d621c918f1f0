import type { JsonValue } from '#schemas/sync/protocol';
import { Device } from '../integration/device';
import { SyncEngine } from '../web/offline/sync/engine';
import { type ChaosOptions, type ChaosStats, chaosTransport, HttpSession } from './http';

/** Text a clinician might paste, with the characters that break naive systems. */
const TEXTS = [
  'FOLFOX ✓',
  "O'Brien; DROP TABLE ops;--",
  '=1+1',
  'مرحبا\u200f',
  'a\u200bb',
  '<b>x</b>',
];

/** Fields the load devices edit, each with a generator of values the server accepts. */
const FIELDS: {
  form: string;
  instance: string;
  path: string;
  value: (r: () => number) => JsonValue;
}[] = [
  { form: 'REG', instance: '1', path: 'age_years', value: (r) => 18 + Math.floor(r() * 80) },
  { form: 'REG', instance: '1', path: 'cea_ng_ml', value: (r) => Math.round(r() * 5000) / 10 },
  { form: 'REG', instance: '1', path: 'kras', value: (r) => (r() < 0.5 ? 'wild_type' : 'variant') },
  { form: 'CHEMO', instance: '1', path: 'total_cycles', value: (r) => Math.floor(r() * 30) },
  {
    form: 'CHEMO',
    instance: '1',
    path: 'first_regimen_other',
    value: (r) => `${TEXTS[Math.floor(r() * TEXTS.length)]} #${Math.floor(r() * 1e6)}`,
  },
  {
    form: 'LES',
    instance: 'L1',
    path: 'segment',
    value: (r) => ['II', 'IVa', 'VII', 'VIII'][Math.floor(r() * 4)]!,
  },
];

/** A small deterministic generator, so that a failing run can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/**
 * One simulated device for the load runs: its own IndexedDB and the browser's real sync
 * engine, talking HTTP to the spawned server through a chaotic network, with its own clock
 * (some devices run hours or a day off).
 */
export class LoadDevice {
  readonly device: Device;
  readonly session: HttpSession;
  readonly stats: ChaosStats;
  readonly generated: string[] = [];
  readonly subjects: string[] = [];

  constructor(
    readonly userId: string,
    readonly siteCode: string,
    base: () => string,
    chaos: ChaosOptions,
    readonly skewMs: number,
    readonly random: () => number,
  ) {
    this.session = new HttpSession(base);
    const { transport, stats } = chaosTransport(this.session, { ...chaos, random });
    this.stats = stats;
    this.device = new Device(userId, transport);
    const now = () => new Date(Date.now() + skewMs);
    this.device.engine = new SyncEngine({
      db: this.device.db,
      transport,
      userId,
      deviceId: this.device.deviceId,
      batchSize: 8,
      withLock: (fn) => fn(),
      now,
    });
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.random() * xs.length)]!;
  }

  /** One change: the first registers a subject; later ones edit a field of any subject held. */
  async change(n: number): Promise<void> {
    if (n === 0 || this.random() < 0.08) {
      const id = await this.device.register(this.siteCode);
      this.subjects.push(id);
      const row = await this.device.db.outbox.where('subjectId').equals(id).first();
      this.generated.push(row!.opId);
      return;
    }
    const held = (await this.device.db.subjects.toArray()).map((s) => s.id);
    const subjectId = this.pick(held.length ? held : this.subjects);
    const f = this.pick(FIELDS);
    // A reason every time: the device cannot know whether the server already holds a value
    // (the form asks for one whenever it does); a reason on a first entry is harmless.
    const op = await this.device.edit(subjectId, f.form, f.instance, f.path, f.value(this.random), {
      reason: `load change ${n}`,
      clientTime: new Date(Date.now() + this.skewMs),
    });
    this.generated.push(op.opId);
  }

  /** Makes `m` changes, syncing every few of them; failures leave work in the outbox. */
  async run(m: number): Promise<void> {
    for (let n = 0; n < m; n++) {
      await this.change(n);
      if (this.random() < 0.35) await this.device.sync();
    }
  }

  /** Syncs until the outbox is empty and a round ends cleanly (the server may be restarting). */
  async drain(deadline: number): Promise<number> {
    let rounds = 0;
    for (;;) {
      await this.device.sync();
      rounds++;
      const left = await this.device.db.outbox.count();
      if (left === 0 && this.device.engine.getState().phase === 'idle') return rounds;
      if (Date.now() > deadline)
        throw new Error(
          `device ${this.device.deviceId} could not drain: ${left} ops left, ${JSON.stringify(this.device.engine.getState())}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The device's values: subjectId|form|instance|path → value. */
  async values(): Promise<Map<string, JsonValue>> {
    const out = new Map<string, JsonValue>();
    for (const row of await this.device.db.forms.toArray())
      for (const [path, value] of Object.entries(row.values))
        out.set(`${row.subjectId}|${row.form}|${row.instance}|${path}`, value as JsonValue);
    return out;
  }
}

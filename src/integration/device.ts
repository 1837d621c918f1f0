import { setAtPath } from '#schemas/study/paths';
import { DEFINITION_VERSION } from '#schemas/study/version';
import type { JsonValue, Op } from '#schemas/sync/protocol';
import { DreamDb } from '../web/offline/db';
import { SyncEngine, type Transport } from '../web/offline/sync/engine';

let counter = 0;

/**
 * A simulated device: its own IndexedDB (fake-indexeddb), the real sync engine, and a
 * minimal "form" that records edits the way the casebook store does (value in the form row
 * + one op in the outbox, in one transaction).
 */
export class Device {
  readonly db = new DreamDb(`device-${process.pid}-${++counter}`);
  readonly deviceId = crypto.randomUUID();
  engine: SyncEngine;
  constructor(
    public userId: string,
    public transport: Transport,
  ) {
    this.engine = this.makeEngine();
  }

  private makeEngine(): SyncEngine {
    return new SyncEngine({
      db: this.db,
      transport: this.transport,
      userId: this.userId,
      deviceId: this.deviceId,
      withLock: (fn) => fn(),
    });
  }

  /** Another user signs in on this device. */
  signIn(userId: string, transport: Transport): void {
    this.userId = userId;
    this.transport = transport;
    this.engine = this.makeEngine();
  }

  private common(now = new Date()) {
    return {
      opId: crypto.randomUUID(),
      authorId: this.userId,
      deviceId: this.deviceId,
      clientTime: now.toISOString(),
      clientTzOffsetMin: 0,
      defVersion: DEFINITION_VERSION,
    };
  }

  async register(siteCode: string): Promise<string> {
    const subjectId = crypto.randomUUID();
    const op: Op = {
      kind: 'create_subject',
      ...this.common(),
      subjectId,
      siteCode,
      provisionalLabel: `${siteCode}-P${subjectId.slice(0, 5)}`,
    };
    await this.db.transaction('rw', this.db.subjects, this.db.outbox, async () => {
      await this.db.subjects.put({
        id: subjectId,
        siteCode,
        label: null,
        provisionalLabel: op.provisionalLabel,
        createdAt: op.clientTime,
        createdBy: this.userId,
      });
      await this.db.outbox.add({
        opId: op.opId,
        op,
        state: 'pending',
        target: subjectId,
        subjectId,
        createdAt: op.clientTime,
      });
    });
    return subjectId;
  }

  async edit(
    subjectId: string,
    form: string,
    instance: string,
    path: string,
    value: JsonValue,
    opts: { reason?: string; resolvesConflict?: string; clientTime?: Date } = {},
  ): Promise<Op> {
    let op: Op | undefined;
    await this.db.transaction('rw', this.db.forms, this.db.outbox, async () => {
      const row = (await this.db.forms.get([subjectId, form, instance])) ?? {
        subjectId,
        form,
        instance,
        values: {},
        drafts: {},
        revs: {},
        state: 'active' as const,
        defVersion: DEFINITION_VERSION,
        updatedAt: '',
      };
      await this.db.forms.put({
        ...row,
        values: setAtPath(row.values, path, value),
        updatedAt: new Date().toISOString(),
      });
      op = {
        kind: 'set_field',
        ...this.common(opts.clientTime),
        subjectId,
        form,
        instance,
        path,
        value,
        baseRev: row.revs[path] ?? 0,
        reason: opts.reason ?? null,
        ...(opts.resolvesConflict ? { resolvesConflict: opts.resolvesConflict } : {}),
      };
      await this.db.outbox.add({
        opId: op.opId,
        op,
        state: 'pending',
        target: `${subjectId}|${form}|${instance}|${path}`,
        subjectId,
        createdAt: op.clientTime,
      });
    });
    return op!;
  }

  async value(subjectId: string, form: string, instance: string, path: string): Promise<unknown> {
    const row = await this.db.forms.get([subjectId, form, instance]);
    const [key, lesion] = path.split('.');
    const v = row?.values[key!];
    return lesion ? (v as Record<string, unknown> | undefined)?.[lesion] : v;
  }

  sync(): Promise<void> {
    return this.engine.syncNow();
  }

  async close(): Promise<void> {
    this.engine.stop();
    this.db.close();
    await this.db.delete();
  }
}

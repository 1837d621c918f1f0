import { randomUUID } from 'node:crypto';
import type {
  CreateSubjectOp,
  JsonValue,
  SetFieldOp,
  SetInstanceStateOp,
} from '#schemas/sync/protocol';

/** Builds well-formed ops the way a device would, for server tests and simulated clients. */
export class OpFactory {
  readonly deviceId: string;
  constructor(
    readonly authorId: string,
    deviceId?: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.deviceId = deviceId ?? randomUUID();
  }

  private common() {
    return {
      opId: randomUUID(),
      authorId: this.authorId,
      deviceId: this.deviceId,
      clientTime: this.clock().toISOString(),
      clientTzOffsetMin: 0,
      defVersion: 1,
    };
  }

  createSubject(siteCode: string, subjectId = randomUUID()): CreateSubjectOp {
    return {
      kind: 'create_subject',
      ...this.common(),
      subjectId,
      siteCode,
      provisionalLabel: `${siteCode}-P${subjectId.slice(0, 5).toUpperCase()}`,
    };
  }

  set(
    subjectId: string,
    form: string,
    instance: string,
    path: string,
    value: JsonValue,
    opts: { baseRev?: number; reason?: string; resolvesConflict?: string } = {},
  ): SetFieldOp {
    return {
      kind: 'set_field',
      ...this.common(),
      subjectId,
      form,
      instance,
      path,
      value,
      baseRev: opts.baseRev ?? 0,
      reason: opts.reason ?? null,
      ...(opts.resolvesConflict ? { resolvesConflict: opts.resolvesConflict } : {}),
    };
  }

  instanceState(
    subjectId: string,
    form: string,
    instance: string,
    state: 'active' | 'entered_in_error',
    reason: string | null,
  ): SetInstanceStateOp {
    return {
      kind: 'set_instance_state',
      ...this.common(),
      subjectId,
      form,
      instance,
      state,
      reason,
    };
  }
}

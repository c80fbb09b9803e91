// The unlock and lock operations of this process, in memory: at most one running, the last 20 kept.
import type { Operation, OperationError, OperationStep } from '../../../../shared/unlock.ts';
import type { OperationKind } from '../../domain/drive-machine.ts';

/** How many operations GET /operations/{id} can still find; older ones are forgotten. */
export const MAX_OPERATIONS = 20;

export interface PlannedStep {
  id: string;
  label: string;
}

/**
 * OperationLog keeps each operation as one object that the steps update in place, so a poll sees
 * a step start or end at once; readers get copies. Only one operation may run at a time.
 */
export class OperationLog {
  private readonly byId = new Map<string, Operation>();
  private runningOp: Operation | null = null;
  private latestOp: Operation | null = null;

  constructor(
    private readonly wall: () => number,
    private readonly newId: () => string,
  ) {}

  /** running is the operation in flight, or null. */
  running(): Operation | null {
    return this.runningOp;
  }

  /** latest is the operation started last, running or ended, or null before the first. */
  latest(): Operation | null {
    return this.latestOp;
  }

  /** get answers a copy of an operation, or null when it is unknown or forgotten. */
  get(id: string): Operation | null {
    const op = this.byId.get(id);
    return op ? structuredClone(op) : null;
  }

  /** begin starts an operation with its steps pending; it throws if one is running (a bug). */
  begin(kind: OperationKind, plan: readonly PlannedStep[]): Operation {
    if (this.runningOp) throw new Error('an operation is already running');
    const op: Operation = {
      id: this.newId(),
      kind,
      state: 'running',
      startedAt: this.wall(),
      finishedAt: null,
      steps: plan.map((s) => ({ ...s, state: 'pending', startedAt: null, finishedAt: null })),
      error: null,
    };
    this.byId.set(op.id, op);
    for (const id of this.byId.keys()) {
      if (this.byId.size <= MAX_OPERATIONS) break;
      this.byId.delete(id); // Map order is insertion order: the oldest go first
    }
    this.runningOp = op;
    this.latestOp = op;
    return op;
  }

  /** startStep marks a step running from now. */
  startStep(op: Operation, stepId: string): void {
    const step = findStep(op, stepId);
    step.state = 'running';
    step.startedAt = this.wall();
  }

  /** endStep marks a step done, skipped or failed as of now. */
  endStep(op: Operation, stepId: string, state: 'done' | 'skipped' | 'failed'): void {
    const step = findStep(op, stepId);
    step.state = state;
    step.startedAt ??= this.wall();
    step.finishedAt = this.wall();
  }

  /** finish ends the operation: succeeded without an error; with one, the steps not run are skipped. */
  finish(op: Operation, error: OperationError | null): void {
    const now = this.wall();
    if (error) {
      for (const step of op.steps) {
        if (step.state === 'pending') step.state = 'skipped';
      }
    }
    op.error = error;
    op.state = error ? 'failed' : 'succeeded';
    op.finishedAt = now;
    if (this.runningOp === op) this.runningOp = null;
  }
}

function findStep(op: Operation, stepId: string): OperationStep {
  const step = op.steps.find((s) => s.id === stepId);
  if (!step) throw new Error(`operation ${op.kind} has no step ${stepId}`);
  return step;
}

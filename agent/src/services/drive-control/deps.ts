// What unlock and lock are built from and what they tell: their own module, so index.ts and the
// work it hands out (work.ts) both import them and neither imports the other back.
import type { OperationErrorCode } from '../../../../shared/errors.ts';
import type { CallHelper } from '../../adapters/helper-client.ts';
import type { PingImmich } from '../../adapters/immich.ts';
import type { ReadUnitStates } from '../../adapters/units.ts';
import type { Config } from '../../config.ts';
import type { DriveProbe } from '../../domain/drive-state.ts';
import type { Clock, Logger, RandomBytes } from '../../ports.ts';
import type { AuditLog } from '../audit.ts';

/** DriveControlEvent is what the alerts (ARCHITECTURE §10) hear about unlocking. */
export type DriveControlEvent =
  | {
      type: 'unlock-failed';
      at: number;
      /** The unlock that failed; null for a wrong passphrase given to POST /unlock/check. */
      operationId: string | null;
      code: OperationErrorCode;
      triesLeft: number | null;
      retryAfterSeconds: number | null;
      deviceId: string | null;
    }
  | { type: 'immich-back'; at: number; operationId: string }
  /** Told as the lock starts, before its first step: the drive leaving is on purpose. */
  | { type: 'lock-started'; at: number; operationId: string };

export interface DriveControlDeps {
  /** verifyUnit: the restore drill's unit, stopped first on lock (ARCHITECTURE §17). */
  config: Pick<Config, 'units' | 'backupUnit' | 'timeouts'> & {
    mountUnit: string;
    verifyUnit?: string;
  };
  /**
   * The root helper. It must frame (copy) an `open` passphrase before it first awaits. `warm`
   * (when the transport has it) gets a helper process ready ahead of the next call.
   */
  callHelper: CallHelper & { warm?: () => void };
  /** The drive as the system shows it now (a look already in flight may be shared). */
  probeDrive: () => Promise<DriveProbe>;
  /** Drops the cached probe, so the next look sees what a step just changed. */
  invalidateProbe: () => void;
  readUnitStates: ReadUnitStates;
  pingImmich: PingImmich;
  clock: Clock;
  randomBytes: RandomBytes;
  audit: Pick<AuditLog, 'record'>;
  log: Logger;
  /** Waits between Immich pings; tests pass one that moves their clock. */
  sleep?: (ms: number) => Promise<void>;
  /** Extra time the agent gives the helper beyond the helper's own step limit. */
  helperGraceMs?: number;
  /** Oldest unit states the status may show. */
  unitsMaxAgeMs?: number;
}

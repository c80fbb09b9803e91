// The database dump watch (ARCHITECTURE §17): the newest Immich dump's age, and whether the newest
// snapshot holds the dumps directory, raised as db-dump-stale. Read directly, or via the helper.
import { join } from 'node:path';
import * as v from 'valibot';
import type { DumpStatus } from '../../../../shared/recovery.ts';
import type { DriveState } from '../../../../shared/status.ts';
import type { DumpEntry, ReadDumpDir } from '../../adapters/dump-dir.ts';
import type { CallHelper } from '../../adapters/helper-client.ts';
import type { StateFile } from '../../adapters/state-store/index.ts';
import type { Config } from '../../config.ts';
import type { Clock, Logger } from '../../ports.ts';
import type { RecoveryAlertsPort } from './alerts-port.ts';

/** The directory is listed this often while the drive is mounted (and at once after an unlock). */
export const DUMP_LOOK_EVERY_MS = 10 * 60_000;
const HOUR_MS = 3600_000;

/** dump-watch.json: whether db-dump-stale was pushed, so a restart does not push it again. */
export const DumpWatchFile = v.object({ alerted: v.boolean() });
export type DumpWatchFile = v.InferOutput<typeof DumpWatchFile>;
export const emptyDumpWatchFile = (): DumpWatchFile => ({ alerted: false });

export interface DumpWatchOptions {
  config: Pick<Config['recovery'], 'dumpsDir' | 'dumpMaxAgeHours'>;
  /** config.root: the dumps directory is read at join(root, dumpsDir). */
  root: string;
  readDumpDir: ReadDumpDir;
  callHelper: CallHelper;
  clock: Clock;
  newestSnapshotPaths(): string[] | null;
  alerts: RecoveryAlertsPort;
  state: StateFile<DumpWatchFile>;
  log: Logger;
}

/** DumpWatch follows the newest dump; tick it each monitor sample. */
export class DumpWatch {
  private newest: DumpEntry | null = null;
  private checkedAt: number | null = null;
  private problem: string | null = null;
  private lastLookMono = Number.NEGATIVE_INFINITY;
  private wasMounted = false;
  /** An unlock brought Immich back since the last look: look at the next tick. */
  private unlocked = false;
  private viaHelper = false;
  private raised: boolean | null = null;
  private stale = false;
  private inSnapshot: boolean | null = null;

  constructor(private readonly options: DumpWatchOptions) {}

  /** tick lists the dumps when due (mounted only), then judges staleness on a synced clock. */
  async tick(drive: DriveState): Promise<void> {
    const { clock } = this.options;
    const mounted = drive === 'running';
    const due = clock.monotonic() - this.lastLookMono >= DUMP_LOOK_EVERY_MS;
    if (mounted && (!this.wasMounted || due || this.unlocked)) await this.look();
    this.wasMounted = mounted;
    if (this.checkedAt !== null && clock.synced()) this.judge();
  }

  /** afterUnlock asks for a look at the next tick (a lock and unlock between two samples too). */
  afterUnlock(): void {
    this.unlocked = true;
  }

  current(): DumpStatus {
    const { newest } = this;
    return {
      newest: newest ? { name: newest.name, at: newest.mtimeMs, bytes: newest.bytes } : null,
      checkedAt: this.checkedAt,
      stale: this.stale,
      inSnapshot: this.inSnapshot,
      maxAgeHours: this.options.config.dumpMaxAgeHours,
      problem: this.problem,
    };
  }

  private async look(): Promise<void> {
    const { clock, config, root } = this.options;
    this.lastLookMono = clock.monotonic();
    this.unlocked = false;
    let dumps: DumpEntry[] | null = null;
    if (!this.viaHelper) {
      const listing = await this.options.readDumpDir(join(root, config.dumpsDir)).catch(() => null);
      if (listing?.kind === 'ok') dumps = listing.dumps;
      else if (listing?.kind === 'missing') dumps = [];
      else this.viaHelper = true; // immich's directory is closed to the agent: ask root
    }
    if (this.viaHelper) {
      const answer = await this.options.callHelper({ verb: 'list-dumps' });
      if (answer.ok && 'dumps' in answer) dumps = answer.dumps;
      else
        this.problem = `The dumps could not be listed: ${answer.ok ? 'no answer' : answer.message}.`;
    }
    if (dumps === null) return;
    this.problem = null;
    this.newest = dumps[0] ?? null;
    this.checkedAt = clock.wall();
  }

  private judge(): void {
    const { clock, config } = this.options;
    const where = config.dumpsDir.split('/').filter(Boolean).slice(-2).join('/');
    const details: string[] = [];
    if (this.newest === null) details.push(`No database dump was found in ${where}.`);
    else {
      const hours = (clock.wall() - this.newest.mtimeMs) / HOUR_MS;
      if (hours > config.dumpMaxAgeHours) {
        const age = hours >= 48 ? `${Math.floor(hours / 24)} days` : `${Math.floor(hours)} hours`;
        details.push(`The newest dump is ${age} old.`);
      }
    }
    const paths = this.options.newestSnapshotPaths();
    this.inSnapshot = paths === null ? null : paths.some((p) => covers(p, config.dumpsDir));
    if (this.inSnapshot === false) details.push(`The newest backup leaves ${where} out.`);
    this.stale = details.length > 0;
    if (this.stale === this.raised) return;
    const { state, log } = this.options;
    // The first judgement after a restart raises quietly what was pushed before it.
    const quiet = this.raised === null && this.stale && state.value.alerted;
    this.raised = this.stale;
    this.options.alerts.condition(
      'db-dump-stale',
      this.stale,
      { detail: details.join(' ') || undefined },
      { alreadyNotified: quiet },
    );
    if (state.value.alerted !== this.stale) {
      const alerted = this.stale;
      void state
        .update(() => ({ alerted }))
        .catch((error: unknown) => log.error('cannot write dump-watch.json', error));
    }
  }
}

/** covers: a backed-up path holds dir when it is dir or one of its parents. */
function covers(path: string, dir: string): boolean {
  const p = path.replace(/\/+$/, '') || '/';
  return dir === p || dir.startsWith(p === '/' ? '/' : `${p}/`);
}

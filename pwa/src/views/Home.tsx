// Home: the Pi at a glance, refreshed every few seconds while visible, and the last status offline.
import { useEffect, useState } from 'preact/hooks';
import type { AppStatusResponse, DiskUsage } from '../../../shared/status.ts';
import { describeError } from '../errors.ts';
import { formatAge, formatBytes, formatUptime } from '../format.ts';
import { useNow } from '../hooks/useNow.ts';
import { usePolling } from '../hooks/usePolling.ts';
import { useStore } from '../store.ts';
import { Notice } from '../ui/Notice.tsx';
import { Screen } from '../ui/Screen.tsx';
import type { ActiveAlerts } from './HomeAlerts.tsx';
import type { BackupTile } from './HomeBackup.tsx';
import { DriveTile, ServicesTile } from './HomeDrive.tsx';
import type { ImmichTile } from './HomeImmich.tsx';
import { PowerTile, TemperatureTile } from './HomeVitals.tsx';
import type { TemperatureChart } from './monitoring.ts';

const POLL_MS = 3000;
const DISK_NAMES: Record<DiskUsage['id'], string> = { sd: 'SD card', drive: 'Photo drive' };

/** Home shows the live status, or the last one with its age when the Pi cannot be reached. */
export function Home() {
  const store = useStore();
  usePolling(store.refreshStatus, POLL_MS);
  const now = useNow(5000);
  const seen = store.lastStatus.value;
  const offline = store.connection.value === 'offline';
  const error = store.statusError.value;
  const shown = useParts();
  const stage = useStage(Boolean(seen && shown));

  return (
    <Screen title={store.device.value?.agentName ?? 'immich-pi'}>
      {/* Offline, the screen's bar says so, with the time of what shows (ui/Screen.tsx). */}
      {!offline && (
        <p class="connection" aria-live="polite" data-testid="connection">
          {seen?.fetchedAt ? `Live · updated ${formatAge(now - seen.fetchedAt)}` : 'Connecting…'}
        </p>
      )}
      {error !== null && <Notice kind="error">{describeError(error)}</Notice>}
      {seen && shown?.Alerts && <shown.Alerts status={seen.status} now={now} />}
      {seen
        ? shown && <Status status={seen.status} stale={offline} parts={shown} stage={stage} />
        : !offline && <p>Loading the Pi’s status…</p>}
      {seen && !offline && stage >= 3 && shown?.Chart && (
        <shown.Chart currentC={seen.status.temperatureC} />
      )}
    </Screen>
  );
}

/**
 * Home's lazy parts stay out of the first load (§12: the chart, the Immich schemas of issue 13,
 * and the alerts' times, written without ICU by clock.ts). The alerts and the Immich and backup
 * tiles sit above or among the others: drawn later, they would push the tiles under them down as
 * the screen is read. So all parts load together from Home's first render, and the tiles draw
 * once they are here (from the app's cache, a few ms). Parts that could not load are left out;
 * the other tiles still show (the drive tile says locked even without the alert).
 */
interface Parts {
  Alerts?: typeof ActiveAlerts;
  Immich?: typeof ImmichTile;
  Backup?: typeof BackupTile;
  Chart?: typeof TemperatureChart;
}
let parts: Parts | undefined;
let partsLoading: Promise<void> | undefined;

const loadParts = () =>
  (partsLoading ??= Promise.all([
    import('./HomeImmich.tsx'),
    import('./HomeBackup.tsx'),
    import('./monitoring.ts'),
    import('./HomeAlerts.tsx'),
  ]).then(
    ([immich, backup, chart, alerts]) => {
      parts = {
        Alerts: alerts.ActiveAlerts,
        Immich: immich.ImmichTile,
        Backup: backup.BackupTile,
        Chart: chart.TemperatureChart,
      };
    },
    (error) => {
      // Shown without them this time; the next visit to Home tries again.
      console.warn('part of Home not loaded', error);
      partsLoading = undefined;
    },
  ));

/** useParts answers Home's lazy parts once loaded; the load begins in the first render, not after its paint. */
function useParts(): Parts | undefined {
  const [shown, setShown] = useState(parts);
  if (!shown) void loadParts().then(() => setShown(parts ?? {}));
  return shown;
}

/**
 * Home's tiles draw in three stages, top to bottom, each in a task of its own with a paint between:
 * drawn in one go they were a 20–30 ms task on a 2-core VM (four times that at a phone's speed)
 * that a tap had to wait for. Each stage only adds below the last, so nothing drawn moves.
 */
const STAGES = 3;

/** useStage counts the stages drawn: 1 as soon as Home can draw its tiles, then one more per task. */
function useStage(ready: boolean): number {
  const [stage, setStage] = useState(1);
  useEffect(() => {
    if (!ready || stage >= STAGES) return;
    const next = setTimeout(() => setStage(stage + 1));
    return () => clearTimeout(next);
  }, [ready, stage]);
  return stage;
}

/** Status shows the tiles; stale ones (the Pi out of reach) are grey and offer no actions. */
function Status({
  status,
  stale,
  parts,
  stage,
}: {
  status: AppStatusResponse;
  stale: boolean;
  parts: Parts;
  stage: number;
}) {
  const { Immich } = parts;
  return (
    <div class={stale ? 'tiles is-stale' : 'tiles'} data-testid="status">
      <DriveTile status={status} stale={stale} />
      <ServicesTile status={status} />
      {Immich && <Immich status={status} />}
      <TemperatureTile status={status} />
      <PowerTile status={status} />
      {stage >= 2 && <Lower status={status} parts={parts} />}
    </div>
  );
}

/** Lower is Home's second stage: uptime, the backups, disk space and warnings. */
function Lower({ status, parts }: { status: AppStatusResponse; parts: Parts }) {
  const { Backup } = parts;
  return (
    <>
      <section class="tile wide inline" aria-labelledby="uptime-h">
        <h2 id="uptime-h">Up for</h2>
        <p class="value small" data-testid="uptime">
          {status.uptimeSeconds === null ? 'unknown' : formatUptime(status.uptimeSeconds)}
        </p>
      </section>
      {Backup && <Backup backup={status.backup ?? null} />}
      <section class="tile wide" aria-labelledby="disks-h" data-testid="disk-space">
        <h2 id="disks-h">Disk space</h2>
        {status.disks.length === 0 && <p class="hint">No disks reported.</p>}
        {status.disks.map((disk) => (
          <Disk key={disk.id} disk={disk} />
        ))}
      </section>
      {status.warnings.length > 0 && (
        <section class="tile wide" aria-labelledby="warnings-h">
          <h2 id="warnings-h">Warnings</h2>
          <ul class="warnings">
            {status.warnings.map((warning) => (
              <li key={`${warning.code}-${warning.at}`}>{warning.message}</li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function Disk({ disk }: { disk: DiskUsage }) {
  const percent = Math.round(disk.usedPercent);
  const id = `disk-${disk.id}`;
  return (
    <div class="disk">
      <div class="disk-label">
        <span id={id}>{DISK_NAMES[disk.id]}</span>
        <span>
          {percent}% · {formatBytes(disk.usedBytes)} of {formatBytes(disk.totalBytes)}
        </span>
      </div>
      <meter
        aria-labelledby={id}
        min={0}
        max={100}
        low={80}
        high={90}
        optimum={0}
        value={percent}
      />
    </div>
  );
}

// "Test a restore now" and the drill it started, followed by polling the first page of backups
// (as a backup run is) until the drill's record is in the history.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Recovery } from '../../../shared/recovery.ts';
import {
  advanceDrillFollow,
  type DrillFollow,
  type DrillStep,
  drillFollowGoesOn,
  startDrillFollow,
} from '../recovery/follow.ts';
import { useStore } from '../store.ts';
import { POLL_MS } from './useBackupHistory.ts';
import { visibleLoop } from './visible-loop.ts';

const RETRY_MS = 5000;

/** DrillFollowing is what the Recovery card draws and can ask for. */
export interface DrillFollowing {
  step: DrillStep | null;
  /** startDrill asks for a drill and follows it; a refusal is thrown for the caller to show. */
  startDrill(): Promise<void>;
}

/**
 * useDrillFollow moves a followed drill on with each recovery the page's polls bring, follows one
 * found running, and polls `refresh` every 2 s while one is followed and the page is visible.
 */
export function useDrillFollow(
  recovery: Recovery | null,
  refresh: () => Promise<boolean>,
): DrillFollowing {
  const store = useStore();
  const [step, setStep] = useState<DrillStep | null>(null);
  const follow = useRef<DrillFollow | null>(null);
  const shown = useRef<Recovery | null>(recovery);
  shown.current = recovery;

  useEffect(() => {
    if (recovery === null) return;
    if (!follow.current && recovery.running) follow.current = startDrillFollow(recovery, null);
    if (!follow.current) return;
    const moved = advanceDrillFollow(
      follow.current,
      recovery,
      Date.now() + (store.api.clockOffsetMs() ?? 0),
    );
    follow.current = drillFollowGoesOn(moved.step) ? moved.follow : null;
    setStep(moved.step);
    // Home's backup tile warns from the summary: it must see the drill's result too.
    if (!follow.current) store.refreshStatus();
  }, [recovery, store]);

  const following = step !== null && drillFollowGoesOn(step);
  useEffect(() => {
    if (!following) return;
    return visibleLoop(async () => ((await refresh()) ? POLL_MS : RETRY_MS), {
      firstDelayMs: POLL_MS,
    });
  }, [following, refresh]);

  const startDrill = useCallback(async () => {
    const started = await (await store.api.backupCalls()).startRestoreTest();
    follow.current = startDrillFollow(shown.current, started.at);
    setStep({ kind: 'starting' });
  }, [store]);

  return { step, startDrill };
}

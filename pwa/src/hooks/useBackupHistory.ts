// The Backups screen's data: the first page, older pages on demand, and a run followed by polling.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type {
  BackupChartPoint,
  BackupRunSummary,
  BackupSummary,
  BackupsResponse,
} from '../../../shared/backups.ts';
import type { Recovery } from '../../../shared/recovery.ts';
import { OfflineError } from '../api/index.ts';
import {
  advanceFollow,
  type BackupFollow,
  type FollowStep,
  followGoesOn,
  mergeRuns,
  startFollow,
} from '../backups/follow.ts';
import { useStore } from '../store.ts';
import { keep, kept } from './useKept.ts';
import { useNow } from './useNow.ts';
import { visibleLoop } from './visible-loop.ts';

/** PAGE_SIZE keeps the first screen one small request (the agent's default too). */
const PAGE_SIZE = 20;
/** POLL_MS: a running backup is checked every 2 s while the screen is visible. */
export const POLL_MS = 2000;
/** RETRY_MS is the slower pace while the Pi cannot be reached; the backup runs on without us. */
const RETRY_MS = 5000;

/** BackupHistory is what the Backups screen draws, and what it can ask for. */
export interface BackupHistory {
  summary: BackupSummary | null;
  chart: BackupChartPoint[] | null;
  /** Every run loaded so far, newest first. */
  runs: BackupRunSummary[];
  /** The cursor for "Load more", null when the oldest run is shown. */
  next: string | null;
  /** Restore drills and the dump watch (GET /backups' recovery); null from an older agent. */
  recovery: Recovery | null;
  /** The followed run's latest step; its last step stays until another run is followed. */
  step: FollowStep | null;
  /** The last failure to load, null after a success; "offline" is said by the app's bar instead. */
  error: unknown;
  /** What shows was kept from an earlier visit or load: the Pi did not answer this time. */
  stale: boolean;
  loadingMore: boolean;
  loadMore(): Promise<void>;
  /** startBackup asks for a run and follows it; a refusal is thrown for the caller to show. */
  startBackup(): Promise<void>;
  /** keepSchedule keeps the nightly time the last start moved, then shows the summary again. */
  keepSchedule(): Promise<void>;
  /** refresh loads the first page again (a followed drill polls it); answers whether it worked. */
  refresh(): Promise<boolean>;
}

interface Loaded {
  summary: BackupSummary | null;
  chart: BackupChartPoint[] | null;
  runs: BackupRunSummary[];
  next: string | null;
  /** Restore drills and the dump watch; null from an agent without them. */
  recovery: Recovery | null;
  /** Whether an older page was added: its cursor then wins over the first page's. */
  paged: boolean;
}

/** useAgentNow answers the Pi's clock now (run times are its wall clock), every `intervalMs`. */
export function useAgentNow(intervalMs: number): number {
  const { api } = useStore();
  return useNow(intervalMs) + (api.clockOffsetMs() ?? 0);
}

const NOTHING_LOADED: Loaded = {
  summary: null,
  chart: null,
  runs: [],
  next: null,
  recovery: null,
  paged: false,
};

// What the list last showed, for this paired device: back from a run's page, the list shows at
// once as it was (older pages included) while the first page loads again.
let lastShown: { keyid: string; loaded: Loaded } | null = null;

/** useBackupHistory loads the history on arrival and polls while a run is followed. */
export function useBackupHistory(): BackupHistory {
  const store = useStore();
  const keyid = store.device.value?.keyid ?? '';
  const [loaded, setLoaded] = useState<Loaded>(() =>
    lastShown?.keyid === keyid ? lastShown.loaded : NOTHING_LOADED,
  );
  useEffect(() => {
    lastShown = { keyid, loaded };
  }, [keyid, loaded]);
  const [step, setStep] = useState<FollowStep | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [stale, setStale] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const follow = useRef<BackupFollow | null>(null);
  const firstPage = useRef<BackupsResponse | null>(null);
  const agentNow = useCallback(() => Date.now() + (store.api.clockOffsetMs() ?? 0), [store]);

  /** refresh loads the first page and moves the followed run on; answers whether it worked. */
  const refresh = useCallback(async () => {
    try {
      const page = await (await store.api.backupCalls()).backups({ limit: PAGE_SIZE });
      firstPage.current = page;
      if (!follow.current && page.summary.running) follow.current = startFollow(page.runs, null);
      if (follow.current) {
        const moved = advanceFollow(follow.current, page, agentNow());
        follow.current = followGoesOn(moved.step) ? moved.follow : null;
        setStep(moved.step);
        // Home's tile must show the run's end too.
        if (!follow.current) store.refreshStatus();
      }
      showPage(page);
      setError(null);
      setStale(false);
      store.connection.value = 'online';
      await keep('backups', page);
      return true;
    } catch (failure) {
      store.noteFailure(failure);
      if (!(failure instanceof OfflineError)) setError(failure);
      else {
        setError(null);
        setStale(true);
        // Nothing loaded yet on this visit: the last visit's first page, greyed by the screen.
        const copy = firstPage.current ? undefined : await kept<BackupsResponse>('backups');
        if (copy) showPage(copy);
      }
      return false;
    }
  }, [store, agentNow]);

  /** showPage merges a first page into what shows (older pages loaded stay). */
  function showPage(page: BackupsResponse) {
    setLoaded((old) => ({
      summary: page.summary,
      chart: page.chart ?? old.chart,
      runs: mergeRuns(old.runs, page.runs),
      next: old.paged ? old.next : page.next,
      recovery: page.recovery,
      paged: old.paged,
    }));
  }

  // On arrival, and again after the offline bar's Retry.
  const retries = store.retries.value;
  useEffect(() => {
    refresh();
  }, [refresh, retries]);

  // While a run is followed: poll every 2 s while visible, at once when shown again.
  const following = step !== null && followGoesOn(step);
  useEffect(() => {
    if (!following) return;
    return visibleLoop(async () => ((await refresh()) ? POLL_MS : RETRY_MS), {
      firstDelayMs: POLL_MS,
    });
  }, [following, refresh]);

  const loadMore = useCallback(async () => {
    if (loaded.next === null) return;
    setLoadingMore(true);
    try {
      const page = await (await store.api.backupCalls()).backups({
        limit: PAGE_SIZE,
        before: loaded.next,
      });
      setLoaded((old) => ({
        ...old,
        runs: mergeRuns(old.runs, page.runs),
        next: page.next,
        paged: true,
      }));
      setError(null);
    } catch (failure) {
      store.noteFailure(failure);
      setError(failure);
    } finally {
      setLoadingMore(false);
    }
  }, [store, loaded.next]);

  const startBackup = useCallback(async () => {
    const started = await (await store.api.backupCalls()).startBackup();
    follow.current = startFollow(firstPage.current?.runs ?? [], started.at);
    setStep({ kind: 'starting' });
  }, [store]);

  const keepSchedule = useCallback(async () => {
    await (await store.api.backupCalls()).keepSchedule();
    await refresh();
  }, [store, refresh]);

  return {
    ...loaded,
    step,
    error,
    stale,
    loadingMore,
    loadMore,
    startBackup,
    keepSchedule,
    refresh,
  };
}

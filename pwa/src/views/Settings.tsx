// Settings: this device's notifications and quiet hours (§10), quick unlock (§15), the thermal guard (§16).
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ROUTES } from '../../../shared/api.ts';
import type { PushHealth, PushSubscriptionResponse, QuietHours } from '../../../shared/push.ts';
import { useAccess } from '../access.ts';
import { formatDateTime } from '../clock.ts';
import { describeError } from '../errors.ts';
import { useAction } from '../hooks/useAction.ts';
import {
  browserPush,
  browserSubscription,
  NotificationsDeniedError,
  PushUnavailableError,
  saveSubscription,
  turnOffNotifications,
  turnOnNotifications,
} from '../notifications.ts';
import { isIos, mustInstallBeforePairing } from '../platform.ts';
import { useStore } from '../store.ts';
import { Notice } from '../ui/Notice.tsx';
import { Screen } from '../ui/Screen.tsx';
import { QuickUnlockCard } from './QuickUnlockCard.tsx';
import { ThermalGuardCard } from './ThermalGuardCard.tsx';
import { ThisPiCard } from './ThisPiCard.tsx';
import './Check.css';

const NIGHT: QuietHours = { start: '22:00', end: '07:00' };
/** How long after a test push to look at the delivery health again. */
const TEST_RECHECK_MS = 6000;

interface Known {
  agent: PushSubscriptionResponse;
  /** This browser has a subscription and the agent has it too. */
  on: boolean;
}

/** Settings turns notifications on and off, sets quiet hours, and (admins) quick unlock. */
export function Settings() {
  const store = useStore();
  const browser = useMemo(browserPush, []);
  const [known, setKnown] = useState<Known | null>(null);
  const [tested, setTested] = useState(false);
  // Which action runs, for its button's words ("Turning on…"); which one last finished, for "Saved".
  const [pending, setPending] = useState<'on' | 'off' | 'quiet' | null>(null);
  const [savedQuiet, setSavedQuiet] = useState(false);

  const { busy, error, run } = useAction();
  const reload = useCallback(async () => {
    const [agent, subscription] = await Promise.all([
      store.api.pushSubscription(),
      browserSubscription(browser),
    ]);
    setKnown({ agent, on: Boolean(subscription && agent.subscription) });
  }, [store, browser]);
  useEffect(() => {
    run(reload);
  }, [run, reload]);

  const quietHours = known?.agent.subscription?.quietHours ?? null;
  const doing = (what: 'on' | 'off' | 'quiet', task: () => Promise<void>) => {
    setPending(what);
    setSavedQuiet(false);
    return run(task).finally(() => setPending(null));
  };
  const turnOn = () =>
    doing('on', async () => {
      await turnOnNotifications(store.api, browser, quietHours);
      await reload();
    });
  const turnOff = () =>
    doing('off', async () => {
      await turnOffNotifications(store.api, browser);
      setTested(false);
      await reload();
    });
  const sendTest = () =>
    run(async () => {
      await store.api.sendTestPush();
      setTested(true);
      // A failed delivery shows up in the subscription's health a few seconds later.
      setTimeout(() => run(reload), TEST_RECHECK_MS);
    });
  const saveQuietHours = (hours: QuietHours | null) =>
    doing('quiet', async () => {
      await saveSubscription(store.api, browser, hours);
      await reload();
      setSavedQuiet(true);
    });

  const access = useAccess();
  const seen = store.lastStatus.value !== null;
  useEffect(() => {
    // The role decides whether quick unlock is offered: learn it when no status was seen yet.
    if (!seen) store.refreshStatus();
  }, [seen, store]);
  const mayUnlock = seen && access.may('POST', ROUTES.unlockCheck);
  // The guard's settings are for admins; an agent without the guard sends no Immich part.
  const immich = store.lastStatus.value?.status.immich ?? null;
  const mayGuard = seen && immich !== null && access.may('PUT', ROUTES.immichGuard);

  const blocked = blockedWords(browser.permission());
  const health = known?.agent.subscription?.health ?? null;
  return (
    <Screen title="Settings">
      <ThisPiCard />
      {error !== null && !(error instanceof NotificationsDeniedError) && (
        <Notice kind="error">
          {error instanceof PushUnavailableError ? error.message : describeError(error)}
        </Notice>
      )}
      <section class="card" aria-labelledby="push-h">
        <h2 id="push-h">Notifications</h2>
        {blocked ? (
          <p data-testid="push-blocked">{blocked}</p>
        ) : known === null ? (
          <p>Loading…</p>
        ) : (
          <>
            <p data-testid="push-state" aria-live="polite">
              {known.on
                ? `On. Alerts reach this device through ${known.agent.subscription?.endpointOrigin}.`
                : 'Off. Turn them on to hear when the Pi restarts, overheats or needs you.'}
            </p>
            {known.on ? (
              <div class="actions">
                <button type="button" disabled={busy} onClick={sendTest}>
                  Send a test notification
                </button>
                <button type="button" disabled={busy} onClick={turnOff}>
                  {pending === 'off' ? 'Turning off…' : 'Turn off'}
                </button>
              </div>
            ) : (
              <button type="button" class="primary" disabled={busy} onClick={turnOn}>
                {pending === 'on' ? 'Turning on…' : 'Turn on notifications'}
              </button>
            )}
            {tested && (
              <p class="hint" role="status" data-testid="push-tested">
                A test notification is on its way. It should arrive within a minute.
              </p>
            )}
            {health?.failingSince != null && <FailingNotice health={health} />}
          </>
        )}
      </section>
      {known?.on ? (
        <QuietHoursCard
          saved={quietHours}
          busy={busy}
          saving={pending === 'quiet'}
          savedNow={savedQuiet}
          timeZone={browser.timeZone()}
          save={saveQuietHours}
        />
      ) : (
        <section class="card" aria-labelledby="quiet-h">
          <h2 id="quiet-h">Quiet hours</h2>
          <p class="hint" data-testid="quiet-off">
            {QUIET_WORDS} You can set them here once notifications are on.
          </p>
        </section>
      )}
      {mayUnlock && <QuickUnlockCard />}
      {mayGuard && <ThermalGuardCard immich={immich} />}
    </Screen>
  );
}

/** blockedWords says why notifications cannot be turned on here, and what to do; null when they can. */
function blockedWords(permission: NotificationPermission | 'unsupported'): string | null {
  if (isIos(navigator.userAgent, navigator.maxTouchPoints) && mustInstallBeforePairing(navigator))
    return 'On iPhone and iPad, notifications work only in the app on the Home Screen. In Safari, tap Share, then “Add to Home Screen”, and open immich-pi from there.';
  if (permission === 'unsupported')
    return 'This browser cannot show notifications from the Pi. Try Chrome, Firefox, Edge or Safari.';
  if (permission === 'denied')
    return 'Notifications are blocked for this app. Allow them in the browser’s settings for this site (the icon next to the address, or Settings → Apps → immich-pi → Notifications), then come back.';
  return null;
}

/** FailingNotice is the same warning Home shows when pushes to this device fail. */
function FailingNotice({ health }: { health: PushHealth }) {
  return (
    <Notice kind="warning">
      <span data-testid="push-failing">
        Notifications to this phone are failing since {formatDateTime(health.failingSince ?? 0)}
        {health.lastError ? `: ${health.lastError}` : '.'}
      </span>
    </Notice>
  );
}

const QUIET_WORDS =
  'At night only urgent alerts (overheating, drive gone, a wrong passphrase, a new device) come through; the rest wait and arrive as one summary afterwards.';

function QuietHoursCard(props: {
  saved: QuietHours | null;
  busy: boolean;
  saving: boolean;
  /** The hours were saved by the last tap: say so until the next change. */
  savedNow: boolean;
  timeZone: string;
  save: (hours: QuietHours | null) => void;
}) {
  const [enabled, setEnabled] = useState(props.saved !== null);
  const [hours, setHours] = useState(props.saved ?? NIGHT);
  const submit = (event: Event) => {
    event.preventDefault();
    props.save(enabled ? hours : null);
  };
  return (
    <form class="card form" aria-labelledby="quiet-h" onSubmit={submit}>
      <h2 id="quiet-h">Quiet hours</h2>
      <p class="hint">{QUIET_WORDS}</p>
      <label class="check">
        <input
          type="checkbox"
          checked={enabled}
          onChange={(e) => setEnabled(e.currentTarget.checked)}
        />
        Hold back alerts at night
      </label>
      <div class="actions">
        <TimeField
          label="From"
          value={hours.start}
          disabled={!enabled}
          onInput={(start) => setHours({ ...hours, start })}
        />
        <TimeField
          label="Until"
          value={hours.end}
          disabled={!enabled}
          onInput={(end) => setHours({ ...hours, end })}
        />
      </div>
      <p class="hint" data-testid="time-zone">
        In this phone’s time zone, {props.timeZone}.
      </p>
      <div class="actions">
        <button type="submit" disabled={props.busy}>
          {props.saving ? 'Saving…' : 'Save quiet hours'}
        </button>
        {props.savedNow && (
          <span class="saved" role="status" data-testid="quiet-saved">
            Saved
          </span>
        )}
      </div>
    </form>
  );
}

/** TimeField is one labelled HH:MM input of the quiet hours. */
function TimeField(props: {
  label: string;
  value: string;
  disabled: boolean;
  onInput: (value: string) => void;
}) {
  return (
    <label class="field grow">
      <span class="label">{props.label}</span>
      <input
        type="time"
        required
        disabled={props.disabled}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </label>
  );
}

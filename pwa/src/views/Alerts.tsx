// Alerts: what is wrong now (with snooze) and what was, with times; all text rendered as text.
import { useCallback, useState } from 'preact/hooks';
import type { Alert, AlertsResponse } from '../../../shared/alerts.ts';
import { formatDateTime } from '../clock.ts';
import { describeError } from '../errors.ts';
import { useKept } from '../hooks/useKept.ts';
import { usePullToRefresh } from '../hooks/usePullToRefresh.ts';
import { useStore } from '../store.ts';
import { Notice } from '../ui/Notice.tsx';
import { Screen } from '../ui/Screen.tsx';
import { formatWhen } from '../when.ts';
import './Alerts.css';

/** Alerts refreshes while open, as Home does, a little slower: alerts change on a sample's pace. */
const POLL_MS = 10_000;
const SNOOZES = [
  { minutes: 60, label: '1 hour' },
  { minutes: 8 * 60, label: '8 hours' },
  { minutes: 24 * 60, label: '1 day' },
] as const;

/** Alerts lists active alerts, each with snooze, then the past ones, newest first. */
export function Alerts() {
  const store = useStore();
  const load = useCallback(() => store.api.alerts(), [store]);
  const kept = useKept<AlertsResponse>('alerts', load, POLL_MS);
  const pull = usePullToRefresh(kept.reload);
  const [snoozeError, setSnoozeError] = useState<unknown>(null);
  const alerts = kept.data;
  const error = snoozeError ?? kept.error;

  const snooze = async (id: string, minutes: number) => {
    try {
      await store.api.snoozeAlert(id, minutes);
      setSnoozeError(null);
      await kept.reload();
    } catch (failure) {
      store.noteFailure(failure);
      setSnoozeError(failure);
    }
  };

  return (
    <Screen title="Alerts">
      {pull !== 'idle' && (
        <p class="pull" role="status" data-testid="pull">
          {pull === 'ready' ? 'Release to refresh' : 'Refreshing…'}
        </p>
      )}
      {error !== null && <Notice kind="error">{describeError(error)}</Notice>}
      {alerts === null && error === null && !kept.stale && <p>Loading…</p>}
      {alerts === null && kept.stale && <p>No alerts were kept from an earlier visit.</p>}
      {alerts && (
        <section aria-labelledby="active-h" class={kept.stale ? 'section is-stale' : 'section'}>
          <h2 id="active-h">Now</h2>
          {alerts.active.length === 0 ? (
            <p data-testid="no-alerts">All is well: no active alerts.</p>
          ) : (
            <ul class="list" data-testid="active-alerts">
              {alerts.active.map((alert) => (
                <ActiveAlert key={alert.id} alert={alert} snooze={snooze} offline={kept.stale} />
              ))}
            </ul>
          )}
        </section>
      )}
      {alerts && alerts.history.length > 0 && (
        <section aria-labelledby="past-h" class={kept.stale ? 'section is-stale' : 'section'}>
          <h2 id="past-h">Earlier</h2>
          <ol class="list" data-testid="past-alerts">
            {alerts.history.map((alert) => (
              <li key={`${alert.id}-${alert.raisedAt}`} class="list-item">
                <div class="entry-head">
                  <strong>{alert.title}</strong>
                  <span class="hint">{pastTimes(alert)}</span>
                </div>
                <p>{alert.body}</p>
              </li>
            ))}
          </ol>
        </section>
      )}
    </Screen>
  );
}

function ActiveAlert(props: {
  alert: Alert;
  snooze: (id: string, minutes: number) => void;
  /** Snoozing needs the Pi: offline the choices show, disabled. */
  offline: boolean;
}) {
  const { alert } = props;
  const snoozed = alert.snoozedUntil !== null && alert.snoozedUntil > Date.now();
  return (
    <li class={`list-item alert ${alert.critical ? 'is-critical' : ''}`}>
      <div class="entry-head">
        <strong>
          {alert.critical && <span class="badge bad">urgent</span>} {alert.title}
        </strong>
        <time class="hint" dateTime={new Date(alert.raisedAt).toISOString()}>
          since {formatWhen(alert.raisedAt, Date.now())}
        </time>
      </div>
      <p>{alert.body}</p>
      {snoozed && (
        <p class="hint">Notifications held back until {formatDateTime(alert.snoozedUntil ?? 0)}.</p>
      )}
      <fieldset class="confirm">
        <legend class="hint">Snooze notifications for</legend>
        <div class="actions">
          {SNOOZES.map((choice) => (
            <button
              key={choice.minutes}
              type="button"
              aria-label={`Snooze “${alert.title}” for ${choice.label}`}
              disabled={props.offline}
              onClick={() => props.snooze(alert.id, choice.minutes)}
            >
              {choice.label}
            </button>
          ))}
        </div>
      </fieldset>
    </li>
  );
}

function pastTimes(alert: Alert): string {
  const now = Date.now();
  const raised = formatWhen(alert.raisedAt, now);
  if (alert.state === 'event') return raised;
  if (alert.resolvedAt === null) return `since ${raised}`;
  // Mid-line, "Today 07:10" reads "resolved today 07:10".
  const resolved = formatWhen(alert.resolvedAt, now).replace(/^(Today|Yesterday)/, (day) =>
    day.toLowerCase(),
  );
  return `${raised} · resolved ${resolved}`;
}

// Home's active alerts: a lazy part of Home (views/Home.tsx), so it writes times as Alerts does,
// "12 min ago" or "Today 07:04", without waking ICU as the app starts (clock.ts).
import type { Alert } from '../../../shared/alerts.ts';
import type { AppStatusResponse } from '../../../shared/status.ts';
import { Link } from '../ui/Link.tsx';
import { Notice } from '../ui/Notice.tsx';
import { formatWhen } from '../when.ts';

/** ActiveAlerts lists what is wrong now, each a link to Alerts, and warns when pushes fail. */
export function ActiveAlerts({ status, now }: { status: AppStatusResponse; now: number }) {
  // A status saved by an older version has neither field.
  // Critical first, whatever order an older agent sent.
  const alerts: Alert[] = [...(status.alerts ?? [])].sort(
    (a, b) => Number(b.critical) - Number(a.critical),
  );
  const failingSince = status.push?.failingSince ?? null;
  return (
    <>
      {failingSince !== null && (
        <Notice kind="warning">
          <span data-testid="push-failing">
            Notifications to this phone are failing since {formatWhen(failingSince, now)}
            {status.push?.lastError ? `: ${status.push.lastError}` : '.'}
          </span>
        </Notice>
      )}
      {alerts.length > 0 && (
        <ul class="list" aria-label="Active alerts" data-testid="home-alerts">
          {alerts.map((alert) => (
            <li key={alert.id}>
              <Link to="/alerts" class={`alert-link ${alert.critical ? 'is-critical' : ''}`}>
                <strong>{alert.title}</strong>
                <span class="hint">since {formatWhen(alert.raisedAt, now)}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

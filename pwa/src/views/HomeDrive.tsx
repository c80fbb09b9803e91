// Home's drive and services: the state, the one action it calls for (by role), and Lock's confirmation.
import { useState } from 'preact/hooks';
import type { AppStatusResponse } from '../../../shared/status.ts';
import { askToUnlock, driveAction, useAccess } from '../access.ts';
import { DRIVE_WORDS, UNIT_WORDS } from '../format.ts';
import { useAction } from '../hooks/useAction.ts';
import { useStore } from '../store.ts';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { Link } from '../ui/Link.tsx';

/**
 * DriveTile shows the drive's state and the one action it calls for, if this device may take it:
 * Unlock, Lock or the progress; a viewer is told whom to ask where Unlock would be.
 */
export function DriveTile({ status, stale }: { status: AppStatusResponse; stale: boolean }) {
  const access = useAccess();
  const state = status.drive.state;
  const drive = DRIVE_WORDS[state];
  const action = driveAction(status, access);
  // Out of reach, the action shows where it will be, disabled: nothing pretends to work.
  const needsPi = stale && (action === 'unlock' || action === 'lock' || action === 'progress');
  return (
    <section class={`tile drive drive-${state}`} aria-labelledby="drive-h">
      <h2 id="drive-h">Drive</h2>
      <p class="value" data-testid="drive-state" aria-live="polite">
        {drive.label}
      </p>
      <p class="hint">{drive.detail}</p>
      {needsPi && (
        <button type="button" class="primary wide-button" disabled>
          {action === 'lock' ? 'Lock' : action === 'unlock' ? 'Unlock' : 'Show progress'}
        </button>
      )}
      {!needsPi && action === 'progress' && (
        <Link to={status.operation?.kind === 'unlock' ? '/unlock' : '/lock'} class="button primary">
          Show progress
        </Link>
      )}
      {!needsPi && action === 'unlock' && (
        <Link to="/unlock" class="button primary">
          Unlock
        </Link>
      )}
      {state === 'running' && status.immichWebUrl && !stale && (
        <a href={status.immichWebUrl} class="button primary" target="_blank" rel="noopener">
          Open Immich
        </a>
      )}
      {!needsPi && action === 'lock' && <LockButton />}
      {action === 'ask' && <p data-testid="ask-admin">{askToUnlock(access.adminNames)}.</p>}
    </section>
  );
}

/** ServicesTile lists Postgres, Immich and machine learning once the drive is open. */
export function ServicesTile({ status }: { status: AppStatusResponse }) {
  const units = status.units ?? [];
  if (units.length === 0 || status.drive.state === 'locked' || status.drive.state === 'missing')
    return null;
  return (
    <section class="tile wide" aria-labelledby="units-h">
      <h2 id="units-h">Services</h2>
      <ul class="units" data-testid="units">
        {units.map((unit) => (
          <li key={unit.unit} class={`unit unit-${unit.state}`}>
            <span>{unit.label}</span>
            <span class="unit-state">{UNIT_WORDS[unit.state]}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** LockButton asks first in a modal dialog, then starts the lock and shows its steps. */
function LockButton() {
  const store = useStore();
  const [asking, setAsking] = useState(false);
  const locking = useAction();

  const lock = () =>
    locking.run(async () => {
      const started = await store.api.lock();
      store.operation.value = { id: started.operationId, kind: 'lock' };
      setAsking(false);
      store.router.navigate('/lock');
    });

  return (
    <>
      <button type="button" class="danger wide-button" onClick={() => setAsking(true)}>
        Lock
      </button>
      <ConfirmDialog
        id="lock"
        open={asking}
        title="Lock the drive?"
        action={{ label: 'Lock', busyLabel: 'Locking…', class: 'danger' }}
        busy={locking.busy}
        error={locking.error}
        onConfirm={lock}
        onCancel={() => setAsking(false)}
      >
        Immich stops until you unlock again.
      </ConfirmDialog>
    </>
  );
}

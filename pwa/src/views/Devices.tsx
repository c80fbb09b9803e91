// Devices: who can reach the Pi and in which role; rename, change roles, revoke, and pair another (§14).
import { useCallback, useState } from 'preact/hooks';
import type { Device } from '../../../shared/devices.ts';
import type { PairingCodeResponse } from '../../../shared/pairing.ts';
import { ROLE_WORDS, type Role } from '../../../shared/roles.ts';
import { useAccess } from '../access.ts';
import { formatDateTime } from '../clock.ts';
import { describeError } from '../errors.ts';
import { useAction } from '../hooks/useAction.ts';
import { useKept } from '../hooks/useKept.ts';
import { useStore } from '../store.ts';
import { Notice } from '../ui/Notice.tsx';
import { Screen } from '../ui/Screen.tsx';
import { DeviceRow } from './DeviceRow.tsx';
import { mayAddDevices, NEW_DEVICE_ROLES, roleLine, roleWithArticle } from './device-roles.ts';
import { PairingLink } from './PairingLink.tsx';
import './Devices.css';
import './Check.css';

const SETTINGS = { to: '/settings', label: 'Settings' } as const;

/** Devices lists the paired devices with their roles, and offers what this device may do. */
export function Devices() {
  const store = useStore();
  const access = useAccess();
  // The list is kept for offline visits (hooks/useKept.ts); each action reports its failure here.
  const load = useCallback(async () => {
    // The status carries this device's role: a change made here or elsewhere shows at once.
    const [answer] = await Promise.all([
      store.api.deviceCalls().then((calls) => calls.devices()),
      store.refreshStatus(),
    ]);
    return answer.devices;
  }, [store]);
  const kept = useKept<Device[]>('devices', load, null);
  const devices = kept.data;
  const action = useAction();
  const { run } = action;
  const error = action.error ?? kept.error;
  // Offline the kept list shows greyed, with no actions: each needs the Pi.
  const shown = kept.stale ? { ...access, may: () => false } : access;

  return (
    <Screen title="Devices" back={SETTINGS}>
      {error !== null && <Notice kind="error">{describeError(error)}</Notice>}
      {devices === null && error === null && !kept.stale && <p>Loading…</p>}
      {devices && (
        <ul class={kept.stale ? 'list is-stale' : 'list'} aria-label="Paired devices">
          {devices.map((device) => (
            <DeviceRow
              key={device.id}
              device={device}
              access={shown}
              run={run}
              reload={kept.reload}
            />
          ))}
        </ul>
      )}
      {kept.stale ? null : mayAddDevices(access) ? (
        <AddDevice />
      ) : (
        <p class="hint">Only an admin device can add devices or change roles.</p>
      )}
    </Screen>
  );
}

/** AddDevice makes a one-time code for a viewer or an admin; a viewer is chosen unless changed. */
function AddDevice() {
  const store = useStore();
  const [role, setRole] = useState<Role>('viewer');
  const [code, setCode] = useState<PairingCodeResponse | null>(null);
  const making = useAction();
  const make = () =>
    making.run(async () =>
      setCode(await (await store.api.deviceCalls()).createPairingCode({ role })),
    );

  return (
    <section class="card" aria-labelledby="add-h">
      <h2 id="add-h">Add another device</h2>
      <fieldset class="role-choice">
        <legend>The new device will be</legend>
        {NEW_DEVICE_ROLES.map((option) => (
          <label key={option} class="check">
            <input
              type="radio"
              name="new-device-role"
              value={option}
              checked={role === option}
              onChange={() => setRole(option)}
            />
            <span>
              <strong>{ROLE_WORDS[option].name}</strong>
              <span class="hint role-line">{roleLine(option)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {making.error !== null && <Notice kind="error">{describeError(making.error)}</Notice>}
      {code ? (
        <>
          <div aria-live="polite">
            <p>On the other device, open this app and enter:</p>
            <p class="big-code" data-testid="new-code">
              {code.code}
            </p>
            <p data-testid="new-code-role">
              For {roleWithArticle(code.role)}: {ROLE_WORDS[code.role].can}.
            </p>
          </div>
          <p class="hint">
            Works once, until {formatDateTime(code.expiresAt)}. Pi fingerprint:{' '}
            <code>{code.fingerprint}</code>
          </p>
          {/* Outside the live region: a screen reader hears the code, not a long link. */}
          <PairingLink code={code} />
        </>
      ) : (
        <p>Make a one-time code to pair another phone or computer.</p>
      )}
      <button type="button" disabled={making.busy} onClick={make}>
        {code ? 'Make a new code' : 'Make a pairing code'}
      </button>
    </section>
  );
}

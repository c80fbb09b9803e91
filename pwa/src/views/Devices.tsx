// Devices: who can reach the Pi; rename, revoke, and make a code to pair another device.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Device } from '../../../shared/devices.ts';
import type { PairingCodeResponse } from '../../../shared/pairing.ts';
import { describeError } from '../errors.ts';
import { formatAge, formatDateTime } from '../format.ts';
import { type Action, useAction } from '../hooks/useAction.ts';
import { useStore } from '../store.ts';
import { Notice } from '../ui/Notice.tsx';
import { Screen } from '../ui/Screen.tsx';

const HOME = { to: '/', label: 'Home' } as const;

/** Devices lists the paired devices and manages them. */
export function Devices() {
  const store = useStore();
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [code, setCode] = useState<PairingCodeResponse | null>(null);

  // Each call reports its failure here and app-wide (offline, changed key).
  const { error, run } = useAction();
  const reload = useCallback(
    () => run(async () => setDevices((await store.api.devices()).devices)),
    [run, store],
  );
  useEffect(() => {
    reload();
  }, [reload]);

  const addDevice = () => run(async () => setCode(await store.api.createPairingCode()));

  return (
    <Screen title="Devices" back={HOME}>
      {error !== null && <Notice kind="error">{describeError(error)}</Notice>}
      {devices === null && error === null && <p>Loading…</p>}
      {devices && (
        <ul class="list" aria-label="Paired devices">
          {devices.map((device) => (
            <DeviceRow key={device.id} device={device} run={run} reload={reload} />
          ))}
        </ul>
      )}
      <section class="card" aria-labelledby="add-h">
        <h2 id="add-h">Add another device</h2>
        {code ? (
          <div aria-live="polite">
            <p>On the other device, open this app and enter:</p>
            <p class="big-code" data-testid="new-code">
              {code.code}
            </p>
            <p class="hint">
              Works once, until {formatDateTime(code.expiresAt)}. Pi fingerprint:{' '}
              <code>{code.fingerprint}</code>
            </p>
          </div>
        ) : (
          <p>Make a one-time code to pair another phone or computer.</p>
        )}
        <button type="button" onClick={addDevice}>
          {code ? 'Make a new code' : 'Make a pairing code'}
        </button>
      </section>
    </Screen>
  );
}

type Run = Action['run'];

function DeviceRow(props: { device: Device; run: Run; reload: () => Promise<unknown> }) {
  const store = useStore();
  const { device, run } = props;
  const [mode, setMode] = useState<'view' | 'rename' | 'revoke'>('view');
  const [name, setName] = useState(device.name);

  const rename = (event: Event) => {
    event.preventDefault();
    return run(async () => {
      await store.api.renameDevice(device.id, name);
      setMode('view');
      await props.reload();
    });
  };
  const revoke = () =>
    run(async () => {
      await store.api.revokeDevice(device.id);
      // This phone's key no longer works: start over rather than show errors.
      if (device.current) await store.forget();
      else await props.reload();
    });

  return (
    <li class="list-item">
      <div class="row">
        <strong>{device.name}</strong>
        {device.current && <span class="badge">this device</span>}
      </div>
      <p class="hint">
        Paired {formatDateTime(device.pairedAt)} ·{' '}
        {device.lastSeenAt === null
          ? 'never seen'
          : `seen ${formatAge(Date.now() - device.lastSeenAt)}`}
      </p>
      {mode === 'view' && (
        <div class="actions">
          <button type="button" onClick={() => setMode('rename')}>
            Rename
          </button>
          <button type="button" class="danger" onClick={() => setMode('revoke')}>
            Revoke
          </button>
        </div>
      )}
      {mode === 'rename' && (
        <form class="actions" onSubmit={rename}>
          <label class="field grow">
            <span class="label">New name</span>
            <input
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
              maxLength={64}
              required
            />
          </label>
          <button type="submit" class="primary">
            Save
          </button>
          <button type="button" onClick={() => setMode('view')}>
            Cancel
          </button>
        </form>
      )}
      {mode === 'revoke' && (
        <fieldset class="confirm">
          <legend>
            {device.current
              ? 'Revoke this device? It stops working at once and must be paired again.'
              : `Revoke “${device.name}”? It stops working at once.`}
          </legend>
          <div class="actions">
            <button type="button" class="danger" onClick={revoke}>
              Revoke
            </button>
            <button type="button" onClick={() => setMode('view')}>
              Cancel
            </button>
          </div>
        </fieldset>
      )}
    </li>
  );
}

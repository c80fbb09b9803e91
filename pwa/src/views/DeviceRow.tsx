// One paired device in Devices: its name and role, and what this device may do to it (§14).
import { useState } from 'preact/hooks';
import type { Device } from '../../../shared/devices.ts';
import { ROLE_WORDS, type Role } from '../../../shared/roles.ts';
import type { Access } from '../access.ts';
import { formatDateTime } from '../clock.ts';
import { formatAge } from '../format.ts';
import { type Action, useAction } from '../hooks/useAction.ts';
import { useStore } from '../store.ts';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { deviceActions, roleChangeWords, roleWithArticle } from './device-roles.ts';

/** DeviceRow shows a device and offers Rename, a role change and Revoke, as far as allowed. */
export function DeviceRow(props: {
  device: Device;
  access: Access;
  run: Action['run'];
  reload: () => Promise<unknown>;
}) {
  const store = useStore();
  const { device, run } = props;
  const actions = deviceActions(props.access, device);
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(device.name);

  const rename = (event: Event) => {
    event.preventDefault();
    return run(async () => {
      await (await store.api.deviceCalls()).renameDevice(device.id, name);
      setRenaming(false);
      await props.reload();
    });
  };

  return (
    <li class="list-item" data-testid="device">
      <div class="row">
        <strong>{device.name}</strong>
        <span class="badges">
          <span class="badge" data-testid="device-role">
            {ROLE_WORDS[device.role].name}
          </span>
          {device.current && <span class="badge">this device</span>}
        </span>
      </div>
      <p class="hint">
        Paired {formatDateTime(device.pairedAt)} ·{' '}
        {device.lastSeenAt === null
          ? 'never seen'
          : `seen ${formatAge(Date.now() - device.lastSeenAt)}`}
      </p>
      {renaming ? (
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
          <button type="button" onClick={() => setRenaming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <div class="actions">
          {actions.rename && (
            <button type="button" onClick={() => setRenaming(true)}>
              Rename
            </button>
          )}
          {actions.newRole && (
            <RoleButton device={device} to={actions.newRole} reload={props.reload} />
          )}
          {actions.revoke && <RevokeButton device={device} reload={props.reload} />}
        </div>
      )}
    </li>
  );
}

/** RoleButton asks first, then gives the device the other role; a refusal is said in the dialog. */
function RoleButton(props: { device: Device; to: Role; reload: () => Promise<unknown> }) {
  const store = useStore();
  const { device, to } = props;
  const [asking, setAsking] = useState(false);
  const changing = useAction();
  const role = ROLE_WORDS[to].name;
  const asA = roleWithArticle(to).toLowerCase();
  const change = async () => {
    const done = await changing.run(async () => {
      await (await store.api.deviceCalls()).changeRole(device.id, to);
      await props.reload();
    });
    if (done) setAsking(false);
  };
  return (
    <>
      <button
        type="button"
        onClick={() => {
          changing.setError(null);
          setAsking(true);
        }}
      >
        Make {role.toLowerCase()}
      </button>
      <ConfirmDialog
        id={`role-${device.id}`}
        open={asking}
        title={device.current ? `Make this device ${asA}?` : `Make “${device.name}” ${asA}?`}
        action={{ label: `Make ${role.toLowerCase()}`, busyLabel: 'Changing…', class: 'primary' }}
        busy={changing.busy}
        error={changing.error}
        errorTestId="role-refused"
        onConfirm={change}
        onCancel={() => setAsking(false)}
      >
        {roleChangeWords(to, device.current)}
      </ConfirmDialog>
    </>
  );
}

/** RevokeButton asks first; revoking this device itself starts pairing over. */
function RevokeButton(props: { device: Device; reload: () => Promise<unknown> }) {
  const store = useStore();
  const { device } = props;
  const [asking, setAsking] = useState(false);
  const revoking = useAction();
  const revoke = async () => {
    const done = await revoking.run(async () => {
      await (await store.api.deviceCalls()).revokeDevice(device.id);
      // This phone's key no longer works: start over rather than show errors.
      if (device.current) await store.forget();
      else await props.reload();
    });
    if (done) setAsking(false);
  };
  return (
    <>
      <button
        type="button"
        class="danger"
        onClick={() => {
          revoking.setError(null);
          setAsking(true);
        }}
      >
        Revoke
      </button>
      <ConfirmDialog
        id={`revoke-${device.id}`}
        open={asking}
        title={device.current ? 'Revoke this device?' : `Revoke “${device.name}”?`}
        action={{ label: 'Revoke', busyLabel: 'Revoking…', class: 'danger' }}
        busy={revoking.busy}
        error={revoking.error}
        errorTestId="revoke-refused"
        onConfirm={revoke}
        onCancel={() => setAsking(false)}
      >
        {device.current
          ? 'It stops working at once and must be paired again.'
          : 'It stops working at once.'}
      </ConfirmDialog>
    </>
  );
}

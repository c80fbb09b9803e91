// Settings' first card: which Pi this is (name, version, fingerprint), this device and its role,
// the way to Devices and Activity, and "Forget this Pi".
import { useEffect, useState } from 'preact/hooks';
import './Settings.css';
import { ROUTES } from '../../../shared/api.ts';
import { ROLE_WORDS } from '../../../shared/roles.ts';
import { useAccess } from '../access.ts';
import { formatDateTime } from '../clock.ts';
import { useStore } from '../store.ts';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { Link } from '../ui/Link.tsx';

/** ThisPiCard shows what is known of the paired Pi; the version comes from hello when online. */
export function ThisPiCard() {
  const store = useStore();
  const device = store.device.value;
  const access = useAccess();
  const [version, setVersion] = useState<string | null>(null);
  const [forgetting, setForgetting] = useState(false);
  const retries = store.retries.value;
  useEffect(() => {
    store.api
      .hello()
      .then((hello) => setVersion(hello.version))
      .catch((error) => store.noteFailure(error));
  }, [store, retries]);
  if (!device) return null;
  return (
    <section class="card" aria-labelledby="pi-h">
      <h2 id="pi-h">This Pi</h2>
      <dl class="facts" data-testid="pi-facts">
        <dt>Name</dt>
        <dd>{device.agentName}</dd>
        <dt>Agent version</dt>
        <dd data-testid="agent-version">{version ?? 'unknown until the Pi answers'}</dd>
        <dt>Fingerprint</dt>
        <dd>
          <code>{device.fingerprint}</code>
        </dd>
        <dt>This device</dt>
        <dd>
          {device.name} · {ROLE_WORDS[access.role].name}, paired {formatDateTime(device.pairedAt)}
        </dd>
      </dl>
      <ul class="menu">
        <li>
          <Link to="/devices" class="menu-item">
            Devices <span aria-hidden="true">›</span>
          </Link>
        </li>
        {access.may('GET', ROUTES.audit) && (
          <li>
            <Link to="/activity" class="menu-item">
              Activity <span aria-hidden="true">›</span>
            </Link>
          </li>
        )}
      </ul>
      <button type="button" class="danger" onClick={() => setForgetting(true)}>
        Forget this Pi
      </button>
      <ConfirmDialog
        id="forget"
        open={forgetting}
        title="Forget this Pi?"
        action={{ label: 'Forget', busyLabel: 'Forgetting…', class: 'danger' }}
        busy={false}
        error={null}
        onConfirm={() => store.forget()}
        onCancel={() => setForgetting(false)}
      >
        This phone deletes its key and everything it kept about {device.agentName}. To use the app
        again, pair with a new code. The Pi still lists this device until an admin removes it.
      </ConfirmDialog>
    </section>
  );
}

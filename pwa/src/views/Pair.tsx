// Pairing: a code from `immich-pi-agent pair`, a fresh device key, and both sides proving the code (§6).
import { useEffect, useState } from 'preact/hooks';
import { ROUTES } from '../../../shared/api.ts';
import type { HelloResponse } from '../../../shared/pairing.ts';
import { codeInFragment } from '../../../shared/pairing-link.ts';
import { fingerprintFor, fromBase64url } from '../../../shared/protocol/index.ts';
import { mayCall, type Role } from '../../../shared/roles.ts';
import { completeCode, formatCodeInput } from '../code-input.ts';
import { describeError } from '../errors.ts';
import { createDeviceKey, type PairedDevice, savePairedDevice } from '../keys.ts';
import { defaultDeviceName, mustInstallBeforePairing } from '../platform.ts';
import { useStore } from '../store.ts';
import { Link } from '../ui/Link.tsx';
import { Notice } from '../ui/Notice.tsx';
import { Screen } from '../ui/Screen.tsx';
import { sha256, signerFor } from '../web-crypto.ts';
import { roleLine, roleWithArticle } from './device-roles.ts';

const WELCOME = { to: '/welcome', label: 'Back' } as const;

type Agent = { hello: HelloResponse; key: Uint8Array; fingerprint: string };

/** Pair runs the pairing flow, or explains why it must happen in the installed app (iOS). */
export function Pair() {
  // A pairing link (QR code, CLI) carries the code in the fragment: read once, then dropped from
  // the address bar, so the browser's history does not keep it.
  const [linked] = useState(() => formatCodeInput(codeInFragment(location.hash) ?? ''));
  useEffect(() => {
    if (location.hash) history.replaceState(history.state, '', location.pathname);
  }, []);
  if (mustInstallBeforePairing(navigator)) return <InstallFirst code={linked} />;
  return <PairForm linked={linked} />;
}

function InstallFirst(props: { code: string }) {
  return (
    <Screen title="Pair with your Pi" back={WELCOME}>
      <Notice kind="warning">
        <p>
          <strong>Pair from the home-screen app.</strong> On iPhone and iPad, Safari and the
          home-screen app keep separate storage, so a key made here would not be in the app.
        </p>
        <p>
          Tap <strong>Share</strong>, then <strong>Add to Home Screen</strong>, open immich-pi from
          your home screen and pair there.
        </p>
        {props.code && (
          <p>
            The app asks for this code: <strong class="big-code">{props.code}</strong>
          </p>
        )}
      </Notice>
      <Link to="/welcome">Back to the instructions</Link>
    </Screen>
  );
}

function PairForm(props: { linked: string }) {
  const { api } = useStore();
  const [agent, setAgent] = useState<Agent | null>(null);
  const [code, setCode] = useState(props.linked);
  const [name, setName] = useState(() =>
    defaultDeviceName(navigator.userAgent, navigator.maxTouchPoints),
  );
  // Only a name the person typed beats the name an admin gave the code.
  const [named, setNamed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [paired, setPaired] = useState<PairedProps | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    setError(null);
    api
      .hello()
      .then(async (hello) => {
        const key = fromBase64url(hello.agentKey) as Uint8Array; // the schema checked its length
        setAgent({ hello, key, fingerprint: await fingerprintFor(key, sha256) });
      })
      .catch(setError);
  }, [api, attempt]);

  async function pair(event: Event) {
    event.preventDefault();
    const canonical = completeCode(code);
    if (!agent || !canonical || busy) return;
    setBusy(true);
    setError(null);
    try {
      const key = await createDeviceKey();
      const by = { keyid: key.keyid, sign: signerFor(key.keyPair.privateKey) };
      const answer = await api.pair({
        code: canonical,
        name,
        named,
        agent: agent.hello,
        publicKey: key.publicKey,
        by,
      });
      const device: PairedDevice = {
        ...key,
        deviceId: answer.deviceId,
        name: answer.name,
        agentKey: agent.key,
        fingerprint: agent.fingerprint,
        agentName: agent.hello.name,
        pairedAt: Date.now(),
      };
      await savePairedDevice(device);
      // Without this the browser may evict IndexedDB, and with it the only copy of the key.
      const persisted = (await navigator.storage?.persist?.().catch(() => false)) ?? false;
      setPaired({ device, persisted, role: answer.role });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  if (paired) return <Paired {...paired} />;
  return (
    <Screen title="Pair with your Pi" back={WELCOME}>
      {error !== null && <Notice kind="error">{describeError(error)}</Notice>}
      {!agent && error === null && <p aria-live="polite">Asking the Pi who it is…</p>}
      {!agent && error !== null && (
        <button type="button" onClick={() => setAttempt(attempt + 1)}>
          Try again
        </button>
      )}
      {agent && (
        <form class="card form" onSubmit={pair}>
          <div class="field">
            <span class="label" id="fingerprint-label">
              Pi fingerprint
            </span>
            <output
              class="fingerprint"
              aria-labelledby="fingerprint-label"
              data-testid="fingerprint"
            >
              {agent.fingerprint}
            </output>
            <span class="hint">
              Compare with what <code>immich-pi-agent pair</code> printed. If it differs, stop: this
              is not your Pi.
            </span>
          </div>
          <label class="field">
            <span class="label">Pairing code</span>
            <input
              class="code"
              name="code"
              value={code}
              onInput={(e) => setCode(formatCodeInput(e.currentTarget.value))}
              placeholder="XXXX-XXXX"
              autocomplete="one-time-code"
              autocapitalize="characters"
              spellcheck={false}
              inputMode="text"
              maxLength={9}
              required
            />
            <span class="hint">8 characters. Codes work once and expire after 10 minutes.</span>
          </label>
          <label class="field">
            <span class="label">Name for this device</span>
            <input
              name="name"
              value={name}
              onInput={(e) => {
                setName(e.currentTarget.value);
                setNamed(true);
              }}
              maxLength={64}
              required
            />
          </label>
          <button type="submit" class="primary" disabled={busy || !completeCode(code)}>
            {busy ? 'Pairing…' : 'Pair'}
          </button>
        </form>
      )}
    </Screen>
  );
}

/** PairedProps is what the first screen after pairing says: where, as what, and if storage is kept. */
interface PairedProps {
  device: PairedDevice;
  persisted: boolean;
  /** The role the code was made for, from the agent's answer. */
  role: Role;
}

function Paired(props: PairedProps) {
  const store = useStore();
  const may = (method: string, path: string) =>
    mayCall(props.role, props.device.deviceId, method, path);
  function goHome() {
    store.adopt(props.device);
    store.router.navigate('/', { replace: true });
  }
  return (
    <Screen title="Paired">
      <Notice kind="info">
        This phone is paired with <strong>{props.device.agentName}</strong> as “{props.device.name}
        ”.
      </Notice>
      <section class="card" aria-labelledby="role-h" data-testid="paired-role">
        <h2 id="role-h">This device is {roleWithArticle(props.role)}</h2>
        <p>{roleLine(props.role)}.</p>
        {!may('POST', ROUTES.unlock) && (
          <p class="hint">An admin unlocks the drive after a restart, and can change this role.</p>
        )}
      </section>
      {may('POST', ROUTES.pairingCodes) && <SecondDevice persisted={props.persisted} />}
      <button type="button" class="primary" onClick={goHome}>
        Go to Home
      </button>
    </Screen>
  );
}

/** SecondDevice urges an admin to pair another device: a lost key would leave no way in. */
function SecondDevice(props: { persisted: boolean }) {
  return (
    <section class="card">
      <h2>Pair a second device too</h2>
      <p>
        This phone’s key lives only in this app: deleting the app deletes the key. Pair another
        phone or computer (Settings → Devices → Add another device) so you always have a way in.
      </p>
      {!props.persisted && (
        <p class="hint">
          This browser did not promise to keep the app’s storage, which makes a second device more
          important.
        </p>
      )}
    </section>
  );
}

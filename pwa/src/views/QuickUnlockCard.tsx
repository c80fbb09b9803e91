// Settings' "Unlock with Face ID / fingerprint" (ARCHITECTURE §15): on after a real passphrase
// check and a passkey with PRF, off again with the stored copy deleted; admin devices only.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useAction } from '../hooks/useAction.ts';
import {
  quickUnlockSupport,
  quickUnlockWords,
  type StoredCopy,
  storedCopy,
  turnOffQuickUnlock,
  turnOnQuickUnlock,
} from '../quick-unlock/index.ts';
import type { PrfSupport } from '../quick-unlock/passkey.ts';
import { useStore } from '../store.ts';
import { Notice } from '../ui/Notice.tsx';
import { PassphraseField } from '../ui/PassphraseField.tsx';

interface Known {
  support: PrfSupport;
  copy: StoredCopy | null;
}

/** QuickUnlockCard turns quick unlock on (passphrase once, checked, then the passkey) and off. */
export function QuickUnlockCard() {
  const store = useStore();
  const device = store.device.value;
  const field = useRef<HTMLInputElement>(null);
  const [known, setKnown] = useState<Known | null>(null);
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  const reload = useCallback(async () => {
    const [support, copy] = await Promise.all([quickUnlockSupport(), storedCopy()]);
    setKnown({ support, copy });
  }, []);
  useEffect(() => {
    run(reload);
  }, [run, reload]);

  const turnOn = (event: Event) => {
    event.preventDefault();
    const input = field.current;
    if (!input || !device || busy) return;
    setDone(null);
    run(async () => {
      try {
        // Read from the field only now: the string dies with this call.
        await turnOnQuickUnlock(store.api, device, input.value);
        input.value = '';
        setAsking(false);
        setDone('On. Unlock now asks for Face ID or a fingerprint instead of the passphrase.');
      } finally {
        await reload();
      }
    });
  };
  const turnOff = () =>
    run(async () => {
      await turnOffQuickUnlock();
      setDone('Off. The stored passphrase was removed from this phone.');
      await reload();
    });

  return (
    <section class="card" aria-labelledby="quick-unlock-h">
      <h2 id="quick-unlock-h">Unlock with Face ID / fingerprint</h2>
      {/* Unsupported says why below, in one sentence: the failure that found out is not repeated. */}
      {error !== null && known?.support.ok !== false && (
        <Notice kind="error">{quickUnlockWords(error)}</Notice>
      )}
      {done !== null && (
        <p role="status" data-testid="quick-unlock-done">
          {done}
        </p>
      )}
      {known === null ? (
        <p>Loading…</p>
      ) : known.copy ? (
        <>
          <p data-testid="quick-unlock-state">
            On for this phone. The passphrase is stored here sealed under a passkey that only opens
            with your face, finger or screen lock.
          </p>
          <button type="button" disabled={busy} onClick={turnOff}>
            Turn off Face ID unlock
          </button>
        </>
      ) : !known.support.ok ? (
        <p data-testid="quick-unlock-unavailable">{known.support.why}</p>
      ) : asking ? (
        <form class="form" onSubmit={turnOn}>
          <p class="hint">
            Type the drive’s passphrase once. The Pi checks it (a wrong one counts as a wrong try),
            then this phone asks for Face ID or a fingerprint to make a passkey.
          </p>
          <PassphraseField field={field} id="quick-unlock-passphrase" />
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Checking with the Pi…' : 'Check and turn on'}
          </button>
        </form>
      ) : (
        <>
          <p data-testid="quick-unlock-state">
            Off. Turn it on to unlock with one tap and a glance instead of typing the passphrase.
          </p>
          <button type="button" class="primary" onClick={() => setAsking(true)}>
            Turn on Face ID unlock
          </button>
        </>
      )}
    </section>
  );
}

// Unlock's first choice once quick unlock is on (§15): one tap, the biometric prompt, then the
// same progress as a typed unlock. Any failure leaves the typed form below with the reason.
import { useEffect, useState } from 'preact/hooks';
import { ROUTES } from '../../../shared/api.ts';
import type { OperationStarted } from '../../../shared/unlock.ts';
import { useAccess } from '../access.ts';
import { type StoredCopy, storedCopy, unlockWithPasskey } from '../quick-unlock/index.ts';
import { useStore } from '../store.ts';

/**
 * useStoredCopy answers this phone's stored copy for an admin device: undefined while IndexedDB
 * is read, null when quick unlock is off (or this device may not unlock).
 */
export function useStoredCopy(): StoredCopy | null | undefined {
  const [copy, setCopy] = useState<StoredCopy | null | undefined>(undefined);
  // Before any status, an admin (the agent refuses a viewer anyway, whatever is shown).
  const mayUnlock = useAccess().may('POST', ROUTES.unlock);
  useEffect(() => {
    if (!mayUnlock) {
      setCopy(null);
      return;
    }
    let current = true;
    storedCopy()
      .catch(() => null)
      .then((found) => {
        if (current) setCopy(found);
      });
    return () => {
      current = false;
    };
  }, [mayUnlock]);
  return copy;
}

/**
 * QuickUnlockButton runs an unlock with the stored copy; `started` follows it like a typed
 * unlock, `failed` brings the reason back to the typed form.
 */
export function QuickUnlockButton(props: {
  started: (started: OperationStarted) => void;
  failed: (error: unknown) => void;
}) {
  const store = useStore();
  const [busy, setBusy] = useState(false);
  async function quickUnlock() {
    const device = store.device.value;
    if (!device || busy) return;
    setBusy(true);
    try {
      props.started(await unlockWithPasskey(store.api, device));
    } catch (error) {
      store.noteFailure(error);
      props.failed(error);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div class="card quick-unlock">
      <button
        type="button"
        class="primary"
        disabled={busy}
        onClick={quickUnlock}
        data-testid="quick-unlock"
      >
        {busy ? 'Unlocking…' : 'Unlock with Face ID / fingerprint'}
      </button>
      <p class="hint">Or type the passphrase below.</p>
    </div>
  );
}

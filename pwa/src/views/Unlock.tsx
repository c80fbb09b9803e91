// Unlock: the passphrase (sealed to the agent, §4) or quick unlock (§15), then each step live
// until Immich runs (§7).
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ROUTES } from '../../../shared/api.ts';
import type { Operation, OperationStarted } from '../../../shared/unlock.ts';
import { askToUnlock, useAccess } from '../access.ts';
import { ApiError } from '../api/index.ts';
import { formatWait } from '../format.ts';
import { useOperation } from '../hooks/useOperation.ts';
import { failureOf } from '../operation.ts';
import { quickUnlockWords, turnOffQuickUnlock } from '../quick-unlock/index.ts';
import { useStore } from '../store.ts';
import { Link } from '../ui/Link.tsx';
import { Notice } from '../ui/Notice.tsx';
import { OperationProgress } from '../ui/OperationProgress.tsx';
import { PassphraseField } from '../ui/PassphraseField.tsx';
import { Screen } from '../ui/Screen.tsx';
import { QuickUnlockButton, useStoredCopy } from './QuickUnlockButton.tsx';

const HOME = { to: '/', label: 'Home' } as const;

/** Unlock shows the passphrase form, or follows the unlock running now (also one started elsewhere). */
export function Unlock() {
  const store = useStore();
  const running = store.operation.value;
  // Kept here, not in the store: the outcome stays on screen after the store stops following it.
  const [followId, setFollowId] = useState(() => (running?.kind === 'unlock' ? running.id : null));
  // A refused passphrase comes back to the form with its words.
  const [lastTry, setLastTry] = useState<Operation | null>(null);
  // Whether the followed unlock used the stored copy, and what became of that copy.
  const viaPasskey = useRef(false);
  const [copyNote, setCopyNote] = useState<string | null>(null);
  const access = useAccess();

  useEffect(() => {
    if (running?.kind === 'unlock') setFollowId(running.id);
  }, [running]);
  useEffect(() => {
    // Opened mid-unlock (another tab, the phone came back): a fresh status names the operation.
    store.refreshStatus();
  }, [store]);
  const backToForm = useCallback((refused: Operation | null) => {
    // The copy was checked when it was stored: refused now, the drive's passphrase changed.
    if (viaPasskey.current && refused?.error?.code === 'wrong-passphrase') {
      // Said once the copy is gone: the note also takes the button away.
      turnOffQuickUnlock()
        .catch(() => undefined)
        .then(() => setCopyNote(PASSPHRASE_CHANGED));
    }
    viaPasskey.current = false;
    setLastTry(refused);
    setFollowId(null);
  }, []);
  const started = useCallback(
    (operation: OperationStarted, withPasskey: boolean) => {
      viaPasskey.current = withPasskey;
      store.operation.value = { id: operation.operationId, kind: 'unlock' };
    },
    [store],
  );

  // Opened by a viewer (an old notification, a link): no form it could not use.
  if (!access.may('POST', ROUTES.unlock)) return <AdminMustUnlock adminNames={access.adminNames} />;
  return (
    <Screen title="Unlock" back={HOME}>
      {followId ? (
        <Follow
          id={followId}
          backToForm={backToForm}
          checking={
            <PassphraseForm lastTry={null} copyNote={copyNote} started={started} checking />
          }
        />
      ) : (
        <PassphraseForm lastTry={lastTry} copyNote={copyNote} started={started} checking={false} />
      )}
    </Screen>
  );
}

/** AdminMustUnlock tells a viewer that only an admin device unlocks, and which ones to ask. */
function AdminMustUnlock(props: { adminNames: readonly string[] }) {
  return (
    <Screen title="Unlock" back={HOME}>
      <Notice kind="info">
        <span data-testid="admin-must-unlock">
          Only an admin device can unlock the drive. {askToUnlock(props.adminNames)}.
        </span>
      </Notice>
    </Screen>
  );
}

/**
 * Follow shows an unlock's steps live. While the Pi still tries the passphrase (the first step),
 * it shows `checking`, the form in its waiting state: a wrong passphrase then comes back to the
 * field without the step list flashing up in between.
 */
function Follow(props: {
  id: string;
  backToForm: (refused: Operation | null) => void;
  checking: ComponentChildren;
}) {
  const store = useStore();
  const { operation, error } = useOperation(props.id);
  const status = store.lastStatus.value?.status;
  const units = status?.units ?? [];
  const failure = operation && failureOf(operation, units);
  const { backToForm } = props;

  useEffect(() => {
    // A wrong passphrase is answered at the field, where the next try is typed.
    if (operation && failure?.isPassphrase) backToForm(operation);
  }, [operation, failure?.isPassphrase, backToForm]);

  const opening = operation?.steps[0];
  if (
    error === null &&
    (!operation ||
      failure?.isPassphrase ||
      (operation.state === 'running' && opening?.state !== 'done'))
  )
    return <>{props.checking}</>;
  const ended =
    operation?.state === 'succeeded' ? (
      <div class="actions">
        <OpenImmich url={status?.immichWebUrl ?? null} />
        <Link to="/" class="button">
          Go to Home
        </Link>
      </div>
    ) : (
      <button type="button" class="primary" onClick={() => backToForm(null)}>
        Try again
      </button>
    );
  return <OperationProgress operation={operation} error={error} units={units} ended={ended} />;
}

const PASSPHRASE_CHANGED =
  'The drive’s passphrase changed, so the copy stored for Face ID unlock was removed. Type the passphrase, then turn Face ID unlock on again in Settings.';

function PassphraseForm(props: {
  lastTry: Operation | null;
  copyNote: string | null;
  started: (operation: OperationStarted, withPasskey: boolean) => void;
  /** The Pi is trying the passphrase sent: the form waits, its button says so. */
  checking: boolean;
}) {
  const { lastTry, started } = props;
  const store = useStore();
  const field = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // Once the copy was removed for a changed passphrase, the button goes with it.
  const copy = useStoredCopy() && props.copyNote === null;
  const status = store.lastStatus.value?.status;
  const piName = store.device.value?.agentName ?? 'immich-pi';
  const refused = lastTry && failureOf(lastTry, status?.units ?? []);

  useEffect(() => {
    // Back from a refused passphrase: the next try is typed here.
    if (lastTry) field.current?.focus();
  }, [lastTry]);
  const quickFailed = useCallback((failure: unknown) => {
    // Back to typing: the reason above the field, the field ready.
    setError(failure);
    field.current?.focus();
  }, []);

  async function submit(event: Event) {
    event.preventDefault();
    const input = field.current;
    if (!input || busy) return;
    setBusy(true);
    setError(null);
    try {
      // Read from the field only now, and not kept in any state: the string dies with this call.
      const operation = await store.api.unlock(input.value);
      input.value = '';
      started(operation, false);
    } catch (failure) {
      store.noteFailure(failure);
      setError(failure);
      input.focus();
    } finally {
      setBusy(false);
    }
  }

  if (status?.drive.state === 'running' && !props.checking)
    return (
      <>
        <Notice kind="info">The drive is unlocked and Immich is running.</Notice>
        <div class="actions">
          <OpenImmich url={status.immichWebUrl ?? null} />
          <Link to="/" class="button">
            Go to Home
          </Link>
        </div>
      </>
    );
  const wait = status?.unlock.retryAfterSeconds ?? null;
  return (
    <>
      {props.copyNote !== null && (
        <Notice kind="warning">
          <span data-testid="quick-unlock-removed">{props.copyNote}</span>
        </Notice>
      )}
      {error !== null && (
        <Notice kind="error">
          <span data-testid="unlock-error">{wordsFor(error, wait)}</span>
        </Notice>
      )}
      {error === null && !refused && wait !== null && (
        <Notice kind="warning">Too many wrong passphrases. Try again in {formatWait(wait)}.</Notice>
      )}
      {error === null && status?.drive.state === 'missing' && (
        <Notice kind="warning">The drive is not connected. Plug it into the Pi first.</Notice>
      )}
      {copy && (
        <QuickUnlockButton started={(operation) => started(operation, true)} failed={quickFailed} />
      )}
      <form class="card form" onSubmit={submit} aria-labelledby="unlock-h">
        <div>
          <h2 id="unlock-h">Unlock the photo drive</h2>
          <p class="hint">
            {copy
              ? `A typed passphrase is sealed on this phone so that only ${piName} can read it, and it is not stored.`
              : `The passphrase is sealed on this phone so that only ${piName} can read it, and it is never stored.`}
          </p>
        </div>
        {/* A password manager files the passphrase under this name. */}
        <input type="text" name="username" autocomplete="username" value={piName} readOnly hidden />
        <PassphraseField field={field} error={error === null ? (refused?.words ?? null) : null} />
        <button
          type="submit"
          class={copy ? undefined : 'primary'}
          disabled={busy || props.checking}
        >
          {props.checking ? 'Checking the passphrase…' : busy ? 'Sending…' : 'Unlock'}
        </button>
      </form>
    </>
  );
}

/** wordsFor adds the wait to a refusal for too many tries, when the last status knew it. */
function wordsFor(error: unknown, wait: number | null): string {
  const limited = error instanceof ApiError && error.code === 'unlock-rate-limited';
  if (limited && wait !== null)
    return `Too many wrong passphrases. Try again in ${formatWait(wait)}.`;
  return quickUnlockWords(error);
}

/** OpenImmich opens Immich's web app in its own tab, when the Pi said where it is. */
function OpenImmich({ url }: { url: string | null }) {
  if (url === null) return null;
  return (
    <a href={url} class="button primary" target="_blank" rel="noopener noreferrer">
      Open Immich
    </a>
  );
}

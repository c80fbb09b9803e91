// Unlock: the passphrase (sealed to the agent, §4), then each step live until Immich runs (§7).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ROUTES } from '../../../shared/api.ts';
import type { Operation } from '../../../shared/unlock.ts';
import { askToUnlock, useAccess } from '../access.ts';
import { ApiError } from '../api/index.ts';
import { describeError } from '../errors.ts';
import { formatWait } from '../format.ts';
import { useOperation } from '../hooks/useOperation.ts';
import { failureOf } from '../operation.ts';
import { useStore } from '../store.ts';
import { Link } from '../ui/Link.tsx';
import { Notice } from '../ui/Notice.tsx';
import { OperationProgress } from '../ui/OperationProgress.tsx';
import { Screen } from '../ui/Screen.tsx';

const HOME = { to: '/', label: 'Home' } as const;

/** Unlock shows the passphrase form, or follows the unlock running now (also one started elsewhere). */
export function Unlock() {
  const store = useStore();
  const running = store.operation.value;
  // Kept here, not in the store: the outcome stays on screen after the store stops following it.
  const [followId, setFollowId] = useState(() => (running?.kind === 'unlock' ? running.id : null));
  // A refused passphrase comes back to the form with its words.
  const [lastTry, setLastTry] = useState<Operation | null>(null);
  const access = useAccess();

  useEffect(() => {
    if (running?.kind === 'unlock') setFollowId(running.id);
  }, [running]);
  useEffect(() => {
    // Opened mid-unlock (another tab, the phone came back): a fresh status names the operation.
    store.refreshStatus();
  }, [store]);
  const backToForm = useCallback((refused: Operation | null) => {
    setLastTry(refused);
    setFollowId(null);
  }, []);

  // Opened by a viewer (an old notification, a link): no form it could not use.
  if (!access.may('POST', ROUTES.unlock)) return <AdminMustUnlock adminNames={access.adminNames} />;
  return (
    <Screen title="Unlock" back={HOME}>
      {followId ? (
        <Follow id={followId} backToForm={backToForm} />
      ) : (
        <PassphraseForm lastTry={lastTry} />
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

function Follow(props: { id: string; backToForm: (refused: Operation | null) => void }) {
  const store = useStore();
  const { operation, error } = useOperation(props.id);
  const units = store.lastStatus.value?.status.units ?? [];
  const failure = operation && failureOf(operation, units);
  const { backToForm } = props;

  useEffect(() => {
    // A wrong passphrase is answered at the field, where the next try is typed.
    if (operation && failure?.isPassphrase) backToForm(operation);
  }, [operation, failure?.isPassphrase, backToForm]);

  const ended =
    operation?.state === 'succeeded' ? (
      <Link to="/" class="button primary">
        Go to Home
      </Link>
    ) : (
      <button type="button" class="primary" onClick={() => backToForm(null)}>
        Try again
      </button>
    );
  return <OperationProgress operation={operation} error={error} units={units} ended={ended} />;
}

function PassphraseForm({ lastTry }: { lastTry: Operation | null }) {
  const store = useStore();
  const field = useRef<HTMLInputElement>(null);
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const status = store.lastStatus.value?.status;
  const piName = store.device.value?.agentName ?? 'immich-pi';
  const refused = lastTry && failureOf(lastTry, status?.units ?? []);

  useEffect(() => {
    // Back from a refused passphrase: the next try is typed here.
    if (lastTry) field.current?.focus();
  }, [lastTry]);
  useEffect(() => {
    // Switched in place, so the typed value stays (a re-rendered input would lose it).
    if (field.current) field.current.type = shown ? 'text' : 'password';
  }, [shown]);

  async function submit(event: Event) {
    event.preventDefault();
    const input = field.current;
    if (!input || busy) return;
    setBusy(true);
    setError(null);
    try {
      // Read from the field only now, and not kept in any state: the string dies with this call.
      const started = await store.api.unlock(input.value);
      input.value = '';
      store.operation.value = { id: started.operationId, kind: 'unlock' };
    } catch (failure) {
      store.noteFailure(failure);
      setError(failure);
      input.focus();
    } finally {
      setBusy(false);
    }
  }

  if (status?.drive.state === 'running')
    return (
      <>
        <Notice kind="info">The drive is unlocked and Immich is running.</Notice>
        <Link to="/" class="button primary">
          Go to Home
        </Link>
      </>
    );
  const wait = status?.unlock.retryAfterSeconds ?? null;
  return (
    <>
      {error !== null && <Notice kind="error">{wordsFor(error, wait)}</Notice>}
      {error === null && refused && (
        <Notice kind="error">
          <span data-testid="outcome">{refused.words}</span>
        </Notice>
      )}
      {error === null && !refused && wait !== null && (
        <Notice kind="warning">Too many wrong passphrases. Try again in {formatWait(wait)}.</Notice>
      )}
      {error === null && status?.drive.state === 'missing' && (
        <Notice kind="warning">The drive is not connected. Plug it into the Pi first.</Notice>
      )}
      <form class="card form" onSubmit={submit} aria-labelledby="unlock-h">
        <div>
          <h2 id="unlock-h">Unlock the photo drive</h2>
          <p class="hint">
            The passphrase is sealed on this phone so that only {piName} can read it, and it is
            never stored.
          </p>
        </div>
        {/* A password manager files the passphrase under this name. */}
        <input type="text" name="username" autocomplete="username" value={piName} readOnly hidden />
        <div class="field">
          <label class="label" for="passphrase">
            Drive passphrase
          </label>
          <div class="secret">
            <input
              ref={field}
              id="passphrase"
              name="password"
              type="password"
              autocomplete="current-password"
              autocapitalize="off"
              autocorrect="off"
              spellcheck={false}
              required
            />
            <button
              type="button"
              class="reveal"
              aria-controls="passphrase"
              aria-pressed={shown}
              onClick={() => setShown(!shown)}
            >
              {shown ? 'Hide' : 'Show'}
            </button>
          </div>
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Sending…' : 'Unlock'}
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
  return describeError(error);
}

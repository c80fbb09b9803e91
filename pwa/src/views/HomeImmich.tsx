// Home's Immich tile (§16): version, queues, the thermal guard, manual pause/resume for admins.
// A lazy chunk: it checks status.immich with the Immich schemas the first load leaves out (§12).
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ROUTES } from '../../../shared/api.ts';
import type { ImmichStatus } from '../../../shared/immich.ts';
import type { AppStatusResponse } from '../../../shared/status.ts';
import { useAccess } from '../access.ts';
import { describeError } from '../errors.ts';
import { useAction } from '../hooks/useAction.ts';
import {
  type Clock,
  guardWords,
  JOB_BUTTONS,
  type JobAction,
  jobActions,
  KEY_COMMAND,
  KEY_STEPS,
  localClock,
  queueLine,
  quietLine,
  readImmich,
  tileKind,
} from '../immich/words.ts';
import { useStore } from '../store.ts';
import { Notice } from '../ui/Notice.tsx';
import './HomeImmich.css';

/** What a manual pause or resume answered, kept until the next status replaces it. */
interface Answer {
  immich: ImmichStatus;
  action: JobAction;
  /** The status.immich the answer is newer than. */
  over: unknown;
}

/**
 * ImmichTile draws status.immich, re-rendered with each status Home polls. An agent without the
 * guard sends null: no tile. An answer the schema refuses gets one line, not a broken tile.
 */
export function ImmichTile({ status }: { status: AppStatusResponse }) {
  const { api } = useStore();
  const access = useAccess();
  const { busy, error, run } = useAction();
  const [answer, setAnswer] = useState<Answer | null>(null);
  const read = readImmich(status.immich);
  if (read === null) return null;
  if (read === 'unreadable')
    return (
      <ImmichFrame>
        <p class="hint">The Pi sent Immich’s state in a form this app does not know yet.</p>
      </ImmichFrame>
    );
  // A later poll says more than the answer to a button: the answer shows only until then.
  const fresh = answer?.over === status.immich ? answer : null;
  const act = (action: JobAction) =>
    run(async () => {
      const calls = await api.immichCalls();
      const immich = await calls.immichJobs(action);
      setAnswer({ immich, action, over: status.immich });
    });
  const immich = fresh?.immich ?? read;
  const mayAct = access.may('POST', ROUTES.immichJobs);
  return (
    <ImmichTileView
      immich={immich}
      actions={jobActions(immich, mayAct)}
      busy={busy}
      error={error}
      done={fresh ? JOB_BUTTONS[fresh.action].done : null}
      clock={localClock(Date.now(), api.clockOffsetMs() ?? 0)}
      onAction={act}
    />
  );
}

export interface TileViewProps {
  immich: ImmichStatus;
  actions: JobAction[];
  busy: boolean;
  error: unknown;
  /** What the last button did, while its answer shows. */
  done: string | null;
  clock: Clock;
  onAction: (action: JobAction) => void;
}

/** ImmichTileView is the tile from its parts, without hooks (the unit tests draw it). */
export function ImmichTileView(props: TileViewProps) {
  const { immich } = props;
  const kind = tileKind(immich);
  if (kind === 'quiet')
    return (
      <ImmichFrame>
        <p class="hint" data-testid="immich-quiet">
          {quietLine(immich)}
        </p>
      </ImmichFrame>
    );
  return (
    <ImmichFrame state={immich.state}>
      {immich.version !== null && (
        <p class="hint" data-testid="immich-version">
          Immich {immich.version}
        </p>
      )}
      {kind === 'queues' ? (
        <p class="value small" data-testid="immich-queues">
          {queueLine(immich.queues)}
        </p>
      ) : (
        <p class="value small bad" data-testid="immich-problem">
          {immich.message}
        </p>
      )}
      {immich.state === 'no-key' && <KeyHelp />}
      <p class="hint" data-testid="immich-guard" aria-live="polite">
        {guardWords(immich.guard, props.clock)}
      </p>
      {immich.guard.lastError !== null && (
        <p class="hint bad" data-testid="immich-guard-error">
          {immich.guard.lastError}
        </p>
      )}
      {props.error !== null && <Notice kind="error">{describeError(props.error)}</Notice>}
      {props.done !== null && (
        <p class="hint" role="status" data-testid="immich-done">
          {props.done}
        </p>
      )}
      {props.actions.length > 0 && (
        <div class="actions">
          {props.actions.map((action) => (
            <button
              key={action}
              type="button"
              disabled={props.busy}
              onClick={() => props.onAction(action)}
            >
              {JOB_BUTTONS[action].label}
            </button>
          ))}
        </div>
      )}
    </ImmichFrame>
  );
}

function ImmichFrame(props: { state?: string; children: ComponentChildren }) {
  return (
    <section
      class="tile wide immich"
      aria-labelledby="immich-h"
      data-testid="home-immich"
      data-state={props.state}
    >
      <h2 id="immich-h">Immich</h2>
      {props.children}
    </section>
  );
}

/** KeyHelp says how to give the agent a key: one key made in Immich, one command on the Pi. */
export function KeyHelp() {
  return (
    <div class="immich-key" data-testid="immich-key-help">
      <ol>
        {KEY_STEPS.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <pre>
        <code data-testid="immich-key-command">{KEY_COMMAND}</code>
      </pre>
      <button type="button" class="link" onClick={(event) => copyCommand(event.currentTarget)}>
        Copy the command
      </button>
    </div>
  );
}

// The code is selectable as a whole (CSS) for browsers without the clipboard API; the mark stays
// on the button, outside Preact's props, so a re-render does not take it back.
function copyCommand(button: HTMLButtonElement) {
  navigator.clipboard
    ?.writeText(KEY_COMMAND)
    .then(() => {
      button.dataset.copied = 'true';
    })
    .catch(() => undefined);
}

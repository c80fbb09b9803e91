// Settings' "Thermal guard" (§16), for admins: on or off, its thresholds and holds, or the Pi's defaults.
import { useState } from 'preact/hooks';
import type { GuardSettingsRequest, ImmichStatus } from '../../../shared/immich.ts';
import { useAction } from '../hooks/useAction.ts';
import {
  formOf,
  type GuardField,
  type GuardForm,
  readGuardForm,
  saveErrorWords,
} from '../immich/guard-form.ts';
import { readImmich } from '../immich/words.ts';
import { useStore } from '../store.ts';
import { Notice } from '../ui/Notice.tsx';
import './Check.css';

/** What the card says came out of the last save or reset. */
interface Saved {
  immich: ImmichStatus;
  words: string;
}

/**
 * ThermalGuardCard edits the guard's settings, from the last status's Immich part (`immich` as
 * GET /status sent it, checked here: the first load does not carry its schema). Nothing shows for
 * an agent without the guard.
 */
export function ThermalGuardCard({ immich }: { immich: unknown }) {
  const read = readImmich(immich);
  return read === null || read === 'unreadable' ? null : <GuardCard immich={read} />;
}

function GuardCard(props: { immich: ImmichStatus }) {
  const { api } = useStore();
  const [saved, setSaved] = useState<Saved | null>(null);
  const guard = (saved?.immich ?? props.immich).guard;
  const [form, setForm] = useState<GuardForm>(() => formOf(guard.settings));
  const [problem, setProblem] = useState<{ field: GuardField; words: string } | null>(null);
  const { busy, error, run } = useAction();

  const send = (request: GuardSettingsRequest, words: string) =>
    run(async () => {
      setSaved(null);
      const immich = await (await api.immichCalls()).saveGuard(request);
      setSaved({ immich, words });
      setForm(formOf(immich.guard.settings));
    });
  const submit = (event: Event) => {
    event.preventDefault();
    const reading = readGuardForm(form);
    if (!reading.ok) {
      setProblem({ field: reading.field, words: reading.problem });
      return;
    }
    setProblem(null);
    send(reading.settings, 'Saved. The Pi keeps these settings over restarts.');
  };
  const reset = () => {
    setProblem(null);
    send({ reset: true }, 'Back to the Pi’s defaults, from its config.');
  };
  const field = (name: GuardField) => ({
    value: form[name],
    invalid: problem?.field === name,
    onInput: (value: string) => setForm({ ...form, [name]: value }),
  });

  return (
    <form class="card form" aria-labelledby="guard-h" onSubmit={submit} data-testid="guard-form">
      <h2 id="guard-h">Thermal guard</h2>
      <p class="hint">
        When the Pi stays hot, the guard pauses Immich’s heavy jobs (thumbnails, video, machine
        learning) and resumes them once it has cooled down.
      </p>
      <p class="hint" data-testid="guard-from">
        {guard.settingsFrom === 'app'
          ? 'These settings were changed from the app. The Pi’s defaults are in its config.'
          : 'These are the Pi’s defaults, from its config.'}
      </p>
      <label class="check">
        <input
          type="checkbox"
          checked={form.enabled}
          onChange={(e) => setForm({ ...form, enabled: e.currentTarget.checked })}
        />
        Pause heavy jobs when the Pi is hot
      </label>
      <div class="actions">
        <NumberField label="Pause at (°C)" {...field('pauseC')} />
        <NumberField label="when hot for (minutes)" {...field('pauseHoldMinutes')} />
      </div>
      <div class="actions">
        <NumberField label="Resume below (°C)" {...field('resumeC')} />
        <NumberField label="when cool for (minutes)" {...field('resumeHoldMinutes')} />
      </div>
      {problem !== null && (
        <Notice kind="error">
          <span data-testid="guard-problem">{problem.words}</span>
        </Notice>
      )}
      {error !== null && (
        <Notice kind="error">
          <span data-testid="guard-error">{saveErrorWords(error)}</span>
        </Notice>
      )}
      {saved !== null && (
        <p class="hint" role="status" data-testid="guard-saved">
          {saved.words}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          Save the thermal guard
        </button>
        <button type="button" disabled={busy} onClick={reset}>
          Use the Pi’s defaults
        </button>
      </div>
    </form>
  );
}

/** NumberField is one labelled number of the guard; decimals allowed, checked by readGuardForm. */
function NumberField(props: {
  label: string;
  value: string;
  invalid: boolean;
  onInput: (value: string) => void;
}) {
  return (
    <label class="field grow">
      <span class="label">{props.label}</span>
      <input
        type="text"
        inputMode="decimal"
        required
        aria-invalid={props.invalid}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </label>
  );
}

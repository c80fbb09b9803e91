// The drive passphrase's field, with Show/Hide: typed on Unlock, and once to turn on quick unlock.
import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * PassphraseField is the labelled password input (read through `field`, never kept in state:
 * the string dies with the call that reads it) and its Show/Hide toggle.
 */
export function PassphraseField(props: {
  field: RefObject<HTMLInputElement | null>;
  id?: string;
  /** Why the Pi refused the last passphrase, shown under the field and read with it. */
  error?: string | null;
}) {
  const { field } = props;
  const id = props.id ?? 'passphrase';
  const error = props.error ?? null;
  const [shown, setShown] = useState(false);
  useEffect(() => {
    // Switched in place, so the typed value stays (a re-rendered input would lose it).
    if (field.current) field.current.type = shown ? 'text' : 'password';
  }, [shown, field]);
  return (
    <div class="field">
      <label class="label" for={id}>
        Drive passphrase
      </label>
      <div class="secret">
        <input
          ref={field}
          id={id}
          name="password"
          type="password"
          autocomplete="current-password"
          autocapitalize="off"
          autocorrect="off"
          spellcheck={false}
          required
          aria-invalid={error !== null}
          aria-describedby={error === null ? undefined : `${id}-error`}
        />
        <button
          type="button"
          class="reveal"
          aria-controls={id}
          aria-pressed={shown}
          onClick={() => setShown(!shown)}
        >
          {shown ? 'Hide' : 'Show'}
        </button>
      </div>
      {error !== null && (
        <p class="field-error" id={`${id}-error`} data-testid="outcome">
          {error}
        </p>
      )}
    </div>
  );
}

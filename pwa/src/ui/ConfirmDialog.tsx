// A modal question before an action that changes the Pi: what will happen, Cancel, the action,
// and the agent's reason in the dialog when it refused.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { describeError } from '../errors.ts';

export interface ConfirmDialogProps {
  /** Names the dialog's parts for aria: `${id}-h` and `${id}-d`. */
  id: string;
  open: boolean;
  title: string;
  /** What the action will do. */
  children: ComponentChildren;
  action: { label: string; busyLabel: string; class: string; testId?: string };
  busy: boolean;
  /** A refusal to show in the dialog; null when none. */
  error: unknown;
  errorTestId?: string;
  onConfirm(): void;
  onCancel(): void;
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const { id, open, action } = props;

  useEffect(() => {
    // showModal makes the rest of the page inert and puts focus in the dialog; Escape cancels.
    if (open && !dialog.current?.open) dialog.current?.showModal();
    if (!open && dialog.current?.open) dialog.current.close();
  }, [open]);

  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby={`${id}-h`}
      aria-describedby={`${id}-d`}
      onClose={props.onCancel}
    >
      <h2 id={`${id}-h`} class="dialog-title">
        {props.title}
      </h2>
      <p id={`${id}-d`}>{props.children}</p>
      {props.error !== null && (
        <p class="dialog-error" role="alert" data-testid={props.errorTestId}>
          {describeError(props.error)}
        </p>
      )}
      <div class="actions">
        <button type="button" autofocus onClick={props.onCancel}>
          Cancel
        </button>
        <button
          type="button"
          class={action.class}
          disabled={props.busy}
          data-testid={action.testId}
          onClick={props.onConfirm}
        >
          {props.busy ? action.busyLabel : action.label}
        </button>
      </div>
    </dialog>
  );
}

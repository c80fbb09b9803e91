// A message box: errors are announced at once, other notes politely.
import type { ComponentChildren } from 'preact';

/** Notice shows a short message; kind "error" is announced by screen readers as an alert. */
export function Notice(props: { kind: 'error' | 'info' | 'warning'; children: ComponentChildren }) {
  return (
    <div class={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

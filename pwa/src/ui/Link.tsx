// An in-app link: a real <a href> (so it opens, copies and reads as a link) that routes without a reload.
import type { ComponentChildren } from 'preact';
import type { AppPath } from '../router.ts';
import { useStore } from '../store.ts';

/** Link navigates inside the app; modified clicks (new tab) keep the browser's behaviour. */
export function Link(props: {
  to: AppPath;
  class?: string;
  /** aria-current: 'page' on the link to the screen shown, 'true' on its section's. */
  current?: 'page' | 'true';
  children: ComponentChildren;
}) {
  const { router } = useStore();
  function follow(event: MouseEvent) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    router.navigate(props.to);
  }
  return (
    <a href={props.to} class={props.class} aria-current={props.current} onClick={follow}>
      {props.children}
    </a>
  );
}

// The frame of every screen: a header with its title (and a way back), the offline bar, the
// content, and once paired the tab bar.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { formatClock } from '../format.ts';
import type { AppPath } from '../router.ts';
import { useStore } from '../store.ts';
import { Link } from './Link.tsx';
import { TabBar } from './TabBar.tsx';

/** Screen lays out one screen and moves focus to its heading, so screen readers hear the change. */
export function Screen(props: {
  title: string;
  /** Where the header's back link goes, if it has one (screens below a tab). */
  back?: { to: AppPath; label: string };
  /** false for screens outside the app's places: the hard stop of a changed Pi key. */
  tabs?: boolean;
  children: ComponentChildren;
}) {
  const store = useStore();
  const paired = Boolean(store.device.value) && props.tabs !== false;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = props.title === 'immich-pi' ? 'immich-pi' : `${props.title} · immich-pi`;
    heading.current?.focus({ preventScroll: true });
  }, [props.title]);
  return (
    <>
      <header class="bar">
        {props.back && (
          <Link to={props.back.to} class="back">
            <span aria-hidden="true">‹</span> {props.back.label}
          </Link>
        )}
        <h1 ref={heading} tabIndex={-1}>
          {props.title}
        </h1>
      </header>
      {paired && store.connection.value === 'offline' && <OfflineBar />}
      <main class={paired ? 'content with-tabs' : 'content'}>{props.children}</main>
      {paired && <TabBar />}
    </>
  );
}

/** OfflineBar says, once for the whole app, that what shows is old, from when, and offers Retry. */
function OfflineBar() {
  const store = useStore();
  const seenAt = store.lastStatus.value?.fetchedAt;
  return (
    <div class="offline-bar" role="status" data-testid="offline-bar">
      <span>
        Can’t reach the Pi{seenAt ? ` · showing data from ${formatClock(seenAt, Date.now())}` : ''}
      </span>
      <button type="button" class="link" onClick={() => store.retry()}>
        Retry
      </button>
    </div>
  );
}

// The frame of every screen: a header with its title (and a way back), then the content.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { AppPath } from '../router.ts';
import { Link } from './Link.tsx';

/** Screen lays out one screen and moves focus to its heading, so screen readers hear the change. */
export function Screen(props: {
  title: string;
  /** Where the header's back link goes, if it has one. */
  back?: { to: AppPath; label: string };
  children: ComponentChildren;
}) {
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
      <main class="content">{props.children}</main>
    </>
  );
}

// Draws a hook-free view for the app's unit tests, which run in Node without a DOM: components are
// called, and the tree of elements and texts is read as a person would read the screen.
import type { ComponentChild, FunctionComponent, VNode } from 'preact';

export interface Element {
  type: string;
  props: Record<string, unknown>;
  children: Drawn[];
}
export type Drawn = Element | string;

/** draw renders a node to elements and texts by calling its function components. */
export function draw(node: ComponentChild): Drawn[] {
  if (node === null || node === undefined || typeof node === 'boolean') return [];
  if (typeof node === 'string' || typeof node === 'number') return [String(node)];
  if (Array.isArray(node)) return node.flatMap(draw);
  const vnode = node as VNode<Record<string, unknown>>;
  if (typeof vnode.type === 'function')
    return draw((vnode.type as FunctionComponent<Record<string, unknown>>)(vnode.props));
  return [
    {
      type: vnode.type as string,
      props: vnode.props,
      children: draw(vnode.props.children as ComponentChild),
    },
  ];
}

/** textOf is the text a person reads in what was drawn. */
export const textOf = (drawn: Drawn[]): string =>
  drawn.map((d) => (typeof d === 'string' ? d : textOf(d.children))).join('');

/** all finds every element that passes the test, outermost first. */
export function all(drawn: Drawn[], test: (e: Element) => boolean): Element[] {
  return drawn.flatMap((d) =>
    typeof d === 'string' ? [] : [...(test(d) ? [d] : []), ...all(d.children, test)],
  );
}

/** byTestId is the text of each element with this data-testid. */
export const byTestId = (drawn: Drawn[], id: string) =>
  all(drawn, (e) => e.props['data-testid'] === id).map((e) => textOf(e.children));

/** click calls a drawn button's onClick. */
export function click(button: Element | undefined) {
  if (!button) throw new Error('no button to click');
  (button.props.onClick as () => void)();
}

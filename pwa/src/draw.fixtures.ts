// Draws a hook-free view for the app's unit tests, which run in Node without a DOM: components are
// called, and the tree of elements and texts is read as a person would read the screen.
import type { ComponentChild, FunctionComponent, VNode } from 'preact';

export interface Element {
  type: string;
  props: Record<string, unknown>;
  children: Drawn[];
}
export type Drawn = Element | string;

// biome-ignore lint/suspicious/noExplicitAny: any component, whatever its props
type AnyComponent = FunctionComponent<any>;

/**
 * draw renders a node to elements and texts by calling its function components; those in `opaque`
 * (components with hooks, such as Link) are kept as elements named after them, their children drawn.
 */
export function draw(node: ComponentChild, opaque: readonly AnyComponent[] = []): Drawn[] {
  if (node === null || node === undefined || typeof node === 'boolean') return [];
  if (typeof node === 'string' || typeof node === 'number') return [String(node)];
  if (Array.isArray(node)) return node.flatMap((child) => draw(child, opaque));
  const vnode = node as VNode<Record<string, unknown>>;
  const children = () => draw(vnode.props.children as ComponentChild, opaque);
  if (typeof vnode.type === 'function') {
    const component = vnode.type as AnyComponent;
    if (opaque.includes(component))
      return [{ type: component.name, props: vnode.props, children: children() }];
    return draw(component(vnode.props), opaque);
  }
  return [{ type: vnode.type as string, props: vnode.props, children: children() }];
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

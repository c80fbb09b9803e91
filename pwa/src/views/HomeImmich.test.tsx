import type { ComponentChild, FunctionComponent, VNode } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import { ROUTES } from '../../../shared/api.ts';
import type { Role } from '../../../shared/roles.ts';
import { accessOf } from '../access.ts';
import { ApiError } from '../api/errors.ts';
import { ERROR_WORDS } from '../errors.ts';
import { guard, immich, queue } from '../immich/fixtures.ts';
import { type JobAction, jobActions, KEY_COMMAND, readImmich } from '../immich/words.ts';
import { ImmichTileView, type TileViewProps } from './HomeImmich.tsx';

// The app's tests run in Node without a DOM: the tile's view has no hooks, so it is drawn here by
// calling its components, and the tree of elements and texts is read as a person would.
interface Element {
  type: string;
  props: Record<string, unknown>;
  children: Drawn[];
}
type Drawn = Element | string;

function draw(node: ComponentChild): Drawn[] {
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

const textOf = (drawn: Drawn[]): string =>
  drawn.map((d) => (typeof d === 'string' ? d : textOf(d.children))).join('');

function all(drawn: Drawn[], test: (e: Element) => boolean): Element[] {
  return drawn.flatMap((d) =>
    typeof d === 'string' ? [] : [...(test(d) ? [d] : []), ...all(d.children, test)],
  );
}

const byTestId = (drawn: Drawn[], id: string) =>
  all(drawn, (e) => e.props['data-testid'] === id).map((e) => textOf(e.children));

function click(button: Element | undefined) {
  if (!button) throw new Error('no button to click');
  (button.props.onClick as () => void)();
}

/** tile draws the tile as Home would, for an admin device unless `role` says otherwise. */
function tile(
  status: ReturnType<typeof immich>,
  parts: Partial<TileViewProps> & { role?: Role } = {},
) {
  const { role = 'admin', ...props } = parts;
  // What ImmichTile asks: the route table's access for this device's role (shared/roles.ts).
  const mayAct = accessOf({ access: { role, adminNames: [] } }, 'me').may(
    'POST',
    ROUTES.immichJobs,
  );
  const onAction = vi.fn<(action: JobAction) => void>();
  const drawn = draw(
    <ImmichTileView
      immich={status}
      actions={jobActions(status, mayAct)}
      busy={false}
      error={null}
      done={null}
      clock={(ms) => `at ${ms}`}
      onAction={onAction}
      {...props}
    />,
  );
  const buttons = all(drawn, (e) => e.type === 'button');
  return { drawn, onAction, buttons, labels: buttons.map((b) => textOf(b.children)) };
}

describe('ImmichTileView', () => {
  it('shows the version, the queues in one line and the guard’s state', () => {
    const { drawn } = tile(
      immich({
        queues: [
          queue('thumbnailGeneration', { waiting: 1204 }),
          queue('videoConversion', { waiting: 12 }),
          queue('smartSearch', { paused: true }),
        ],
        guard: guard({ state: 'paused', reason: 'hot', since: 42 }),
      }),
    );
    expect(byTestId(drawn, 'immich-version')).toEqual(['Immich v1.135.3']);
    expect(byTestId(drawn, 'immich-queues')).toEqual([
      'Thumbnails: 1,204 waiting · Video: 12 waiting · Smart search: paused',
    ]);
    expect(byTestId(drawn, 'immich-guard')).toEqual(['Paused by the thermal guard since at 42']);
    expect(byTestId(drawn, 'immich-guard-error')).toEqual([]);
  });

  it('shows what the guard could not do', () => {
    const { drawn } = tile(
      immich({
        guard: guard({
          state: 'capped',
          since: 1,
          capped: true,
          lastError: 'Immich did not answer the pause.',
        }),
      }),
    );
    expect(byTestId(drawn, 'immich-guard-error')).toEqual(['Immich did not answer the pause.']);
  });

  it('gives an admin the buttons, which call the action named on them', () => {
    const running = tile(immich());
    expect(running.labels).toEqual(['Pause heavy jobs']);
    click(running.buttons[0]);
    expect(running.onAction).toHaveBeenCalledWith('pause');

    const paused = tile(
      immich({
        queues: [queue('thumbnailGeneration', { paused: true })],
        guard: guard({ state: 'paused', since: 1, pausedQueues: ['thumbnailGeneration'] }),
      }),
    );
    expect(paused.labels).toEqual(['Resume heavy jobs']);
    click(paused.buttons[0]);
    expect(paused.onAction).toHaveBeenCalledWith('resume');
  });

  it('gives a viewer no buttons', () => {
    expect(tile(immich(), { role: 'viewer' }).labels).toEqual([]);
    const paused = immich({ queues: [queue('thumbnailGeneration', { paused: true })] });
    expect(tile(paused, { role: 'viewer' }).labels).toEqual([]);
  });

  it('disables the buttons while one runs, then says what it did or why it failed', () => {
    expect(tile(immich(), { busy: true }).buttons.map((b) => b.props.disabled)).toEqual([true]);
    const done = tile(immich(), { done: 'Heavy jobs paused.' });
    expect(byTestId(done.drawn, 'immich-done')).toEqual(['Heavy jobs paused.']);
    const failed = tile(immich(), { error: ApiError.fromAgent('role-forbidden', 403, 'no') });
    expect(textOf(failed.drawn)).toContain(ERROR_WORDS['role-forbidden']);
  });

  it('says how to add a key when there is none: the steps and the one command', () => {
    const { drawn, labels } = tile(
      immich({
        state: 'no-key',
        message: 'No Immich API key on the drive.',
        version: null,
        queues: [],
        guard: guard({ state: 'capped', since: 5, capped: true }),
      }),
    );
    expect(byTestId(drawn, 'immich-problem')).toEqual(['No Immich API key on the drive.']);
    const help = textOf(all(drawn, (e) => e.props['data-testid'] === 'immich-key-help'));
    expect(help).toContain('Account Settings > API Keys');
    expect(byTestId(drawn, 'immich-key-command')).toEqual([KEY_COMMAND]);
    expect(all(drawn, (e) => e.type === 'code')).toHaveLength(1);
    // The guard still acts, by capping the CPU; the only button copies the command.
    expect(byTestId(drawn, 'immich-guard')).toEqual(['CPU capped by the thermal guard since at 5']);
    expect(labels).toEqual(['Copy the command']);
  });

  it('shows the agent’s message for a refused or unsafe key and an Immich that does not answer, without the how-to', () => {
    for (const state of ['key-unsafe', 'key-refused', 'unreachable'] as const) {
      const message = `Immich says ${state}.`;
      const { drawn, labels } = tile(immich({ state, message }));
      expect(byTestId(drawn, 'immich-problem')).toEqual([message]);
      expect(byTestId(drawn, 'immich-queues')).toEqual([]);
      expect(byTestId(drawn, 'immich-key-help')).toEqual([]);
      expect(labels).toEqual([]);
    }
  });

  it('is one quiet line while the drive is locked', () => {
    const { drawn, labels } = tile(
      immich({
        state: 'locked',
        message: '',
        version: null,
        queues: [],
        guard: guard({ state: 'paused', since: 1 }),
      }),
    );
    expect(byTestId(drawn, 'immich-quiet')).toEqual([
      'Immich is stopped while the drive is locked.',
    ]);
    expect(byTestId(drawn, 'immich-guard')).toEqual([]);
    expect(labels).toEqual([]);
  });
});

describe('readImmich', () => {
  it('draws no tile for an agent without the guard, and refuses a shape it does not know', () => {
    expect(readImmich(null)).toBeNull();
    expect(readImmich(undefined)).toBeNull();
    expect(readImmich({ state: 'ok' })).toBe('unreadable');
    const status = immich();
    expect(readImmich(JSON.parse(JSON.stringify(status)))).toEqual(status);
  });
});

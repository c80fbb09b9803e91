// Reads the services' states with one read-only `systemctl show` for all of them (ARCHITECTURE §10).
import { UNIT_STATES, type UnitStatus } from '../../../shared/status.ts';
import type { Logger, RunCommand } from '../ports.ts';

export type UnitState = UnitStatus['state'];

/** ReadUnitStates answers the state of each unit, in the order asked; it never throws. */
export type ReadUnitStates = (units: readonly string[]) => Promise<UnitState[]>;

const SHOW_TIMEOUT_MS = 5_000;
const SHOW_MAX_OUTPUT_BYTES = 64 * 1024;

/**
 * createUnitStateReader runs `systemctl show -p Id -p ActiveState <units...>` in one spawn. A
 * systemctl that cannot run or answers nonsense gives `unknown`, never an error: the status
 * must answer whatever systemd is doing. The failure is logged once, again only when its words
 * change, and its recovery once, so a broken systemctl shows in the journal without flooding it.
 */
export function createUnitStateReader(options: {
  systemctl: string;
  runCommand: RunCommand;
  log?: Logger;
}): ReadUnitStates {
  const { systemctl, runCommand, log } = options;
  let problem: string | null = null;
  return async function readUnitStates(units) {
    if (units.length === 0) return [];
    try {
      const { stdout } = await runCommand(
        [systemctl, 'show', '-p', 'Id', '-p', 'ActiveState', ...units],
        { timeoutMs: SHOW_TIMEOUT_MS, maxOutputBytes: SHOW_MAX_OUTPUT_BYTES },
      );
      if (problem !== null) log?.info('systemctl show answers again');
      problem = null;
      return parseSystemctlShow(stdout, units);
    } catch (error) {
      const words = error instanceof Error ? error.message : String(error);
      if (words !== problem)
        log?.error('cannot read the unit states, reporting them unknown', error);
      problem = words;
      return units.map(() => 'unknown');
    }
  };
}

/**
 * parseSystemctlShow reads `systemctl show` output: one block of Key=Value lines per unit, in the
 * order given, blocks separated by an empty line. Blocks are matched by position when there is
 * one per unit (an alias's Id is its real name), else by Id.
 */
export function parseSystemctlShow(stdout: string, units: readonly string[]): UnitState[] {
  const blocks = stdout
    .split(/\n\s*\n/)
    .map(parseBlock)
    .filter((block) => block.size > 0);
  if (blocks.length === units.length) return blocks.map((block) => toUnitState(block));
  return units.map((unit) => {
    const block = blocks.find((b) => b.get('Id') === unit);
    return block ? toUnitState(block) : 'unknown';
  });
}

function parseBlock(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return fields;
}

function toUnitState(block: Map<string, string>): UnitState {
  const state = block.get('ActiveState') ?? '';
  // systemd also says reloading/refreshing (still serving) and maintenance (a cleanup job).
  if (state === 'reloading' || state === 'refreshing') return 'active';
  return (UNIT_STATES as readonly string[]).includes(state) ? (state as UnitState) : 'unknown';
}

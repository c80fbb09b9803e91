// systemctl show parsing, the one argv it runs, and what a failing systemctl reads as.
import { describe, expect, it } from 'vitest';
import type { RunCommand } from '../ports.ts';
import { CommandError } from './run-command.ts';
import { createUnitStateReader, parseSystemctlShow } from './units.ts';

const UNITS = ['postgresql.service', 'immich-server.service', 'immich-machine-learning.service'];

describe('createUnitStateReader', () => {
  it('runs one read-only systemctl show for every unit and maps the blocks in order', async () => {
    const calls: (readonly string[])[] = [];
    const run: RunCommand = async (argv) => {
      calls.push(argv);
      return {
        stdout:
          'ActiveState=active\nId=postgresql.service\n\nId=immich-server.service\nActiveState=failed\n\nId=immich-machine-learning.service\nActiveState=activating\n',
        stderr: '',
      };
    };
    const read = createUnitStateReader({ systemctl: '/bin/systemctl', runCommand: run });
    expect(await read(UNITS)).toEqual(['active', 'failed', 'activating']);
    expect(calls).toEqual([['/bin/systemctl', 'show', '-p', 'Id', '-p', 'ActiveState', ...UNITS]]);
  });

  it('answers unknown for every unit when systemctl fails, and runs nothing for no units', async () => {
    let runs = 0;
    const run: RunCommand = async (argv) => {
      runs++;
      throw new CommandError('no', { argv, exitCode: 1, signal: null, stderr: '' });
    };
    const read = createUnitStateReader({ systemctl: '/bin/systemctl', runCommand: run });
    expect(await read(UNITS)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(await read([])).toEqual([]);
    expect(runs).toBe(1);
  });

  it('logs a failing systemctl once per distinct failure, and its recovery once', async () => {
    const lines: string[] = [];
    const log = {
      info: (m: string) => lines.push(`info ${m}`),
      error: (m: string, e?: unknown) => lines.push(`error ${m}: ${(e as Error).message}`),
    };
    const answers = ['no', 'no', 'gone', 'ok', 'ok'];
    const run: RunCommand = async (argv) => {
      const answer = answers.shift();
      if (answer === 'ok') return { stdout: 'Id=a.service\nActiveState=active\n', stderr: '' };
      throw new CommandError(`systemctl ${answer}`, {
        argv,
        exitCode: 1,
        signal: null,
        stderr: '',
      });
    };
    const read = createUnitStateReader({ systemctl: '/bin/systemctl', runCommand: run, log });
    for (let i = 0; i < 5; i++) await read(['a.service']);
    expect(lines).toEqual([
      'error cannot read the unit states, reporting them unknown: systemctl no',
      'error cannot read the unit states, reporting them unknown: systemctl gone',
      'info systemctl show answers again',
    ]);
  });
});

describe('parseSystemctlShow', () => {
  it('reads reloading as active and states it does not know as unknown', () => {
    const out = 'Id=a.service\nActiveState=reloading\n\nId=b.service\nActiveState=maintenance\n';
    expect(parseSystemctlShow(out, ['a.service', 'b.service'])).toEqual(['active', 'unknown']);
  });

  it('matches by Id when the blocks do not line up with the units', () => {
    const out = 'Id=b.service\nActiveState=inactive\n';
    expect(parseSystemctlShow(out, ['a.service', 'b.service'])).toEqual(['unknown', 'inactive']);
    expect(parseSystemctlShow('', ['a.service'])).toEqual(['unknown']);
  });
});

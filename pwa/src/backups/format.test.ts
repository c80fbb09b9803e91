import { describe, expect, it } from 'vitest';
import { BACKUP_FLAGS, BACKUP_RESULTS } from '../../../shared/backups.ts';
import {
  exitWords,
  FLAG_WORDS,
  filesWords,
  formatRunDuration,
  outcomeWords,
  RESULT_ICONS,
  RESULT_LEVEL,
  RESULT_WORDS,
  runHeadline,
  shortSnapshotId,
} from './format.ts';

describe('formatRunDuration', () => {
  it.each([
    [0, '0 s'],
    [42.4, '42 s'],
    [60, '1 min'],
    [185, '3 min 5 s'],
    [3599, '59 min 59 s'],
    [3600, '1 h'],
    [4320, '1 h 12 min'],
    [-3, '0 s'],
  ])('%d s is "%s"', (seconds, words) => {
    expect(formatRunDuration(seconds)).toBe(words);
  });
});

describe('run words', () => {
  it('names every result and flag the contract has, plus the running one', () => {
    for (const result of BACKUP_RESULTS) expect(RESULT_WORDS[result]).toBe(result);
    expect(Object.keys(RESULT_LEVEL).sort()).toEqual([...BACKUP_RESULTS, 'running'].sort());
    for (const flag of BACKUP_FLAGS) expect(FLAG_WORDS[flag]).toMatch(/^[A-Z].*\?$/);
    expect(FLAG_WORDS['file-count-collapsed']).toBe(
      'Fewer files than usual: was the drive mounted?',
    );
  });

  it('marks results apart by shape as well as colour, and heads a run in a sentence', () => {
    const results = [...BACKUP_RESULTS, 'running'] as const;
    // Good, partly good and not recorded each have their own mark; a failure is a cross.
    expect(new Set(results.map((result) => RESULT_ICONS[result])).size).toBe(results.length - 1);
    expect(RESULT_ICONS.failed).toBe(RESULT_ICONS.interrupted);
    for (const result of results) expect(runHeadline(result)).toMatch(/^[A-Z][a-z]/);
    expect(runHeadline('partial')).toBe('Partly backed up: some files were skipped');
  });

  it('colours only runs that made a snapshot as good', () => {
    expect(RESULT_LEVEL.succeeded).toBe('ok');
    expect(RESULT_LEVEL.partial).toBe('warn');
    expect(RESULT_LEVEL.failed).toBe('bad');
    expect(RESULT_LEVEL.interrupted).toBe('bad');
  });

  it('shortens a snapshot id as rustic does', () => {
    expect(shortSnapshotId('a1b2c3d4e5f60718')).toBe('a1b2c3d4');
    expect(shortSnapshotId('abc')).toBe('abc');
  });

  it('counts new and changed files, and says nothing when neither is known', () => {
    expect(filesWords({ filesNew: 1200, filesChanged: 3 })).toBe('1,200 new, 3 changed files');
    expect(filesWords({ filesNew: 1, filesChanged: 0 })).toBe('1 new, 0 changed file');
    expect(filesWords({ filesNew: null, filesChanged: 2 })).toBe('? new, 2 changed files');
    expect(filesWords({ filesNew: null, filesChanged: null })).toBeNull();
  });

  it('ends a followed run with its result and, when not clean, the reason', () => {
    expect(outcomeWords({ result: 'succeeded', reason: null })).toBe('Backup finished: succeeded');
    expect(outcomeWords({ result: 'failed', reason: 'rustic exited with status 1.' })).toBe(
      'Backup failed: rustic exited with status 1.',
    );
    expect(outcomeWords({ result: 'failed', reason: null })).toBe('Backup failed');
    expect(outcomeWords({ result: 'interrupted', reason: 'stopped' })).toMatch(
      /^Backup interrupted .*: stopped$/,
    );
    expect(outcomeWords({ result: 'partial', reason: '2 files unreadable' })).toMatch(
      /skipped some files: 2 files unreadable$/,
    );
    expect(outcomeWords({ result: 'unknown', reason: null })).toMatch(/unknown/);
  });

  it.each([
    [{ serviceResult: 'exit-code', exitCode: 'exited', exitStatus: '1' }, /error code 1\./],
    [{ serviceResult: 'success', exitCode: 'exited', exitStatus: '0' }, /ended normally/],
    [{ serviceResult: 'signal', exitCode: 'killed', exitStatus: 'TERM' }, /stopped on purpose/],
    [{ serviceResult: 'signal', exitCode: null, exitStatus: null }, /stopped before it could/],
    [{ serviceResult: 'signal', exitCode: 'killed', exitStatus: 'HUP' }, /\(signal HUP\)/],
    [{ serviceResult: 'core-dump', exitCode: 'dumped', exitStatus: 'SEGV' }, /crashed/],
    [{ serviceResult: 'timeout', exitCode: 'killed', exitStatus: 'TERM' }, /too long/],
    [{ serviceResult: 'oom-kill', exitCode: 'killed', exitStatus: 'KILL' }, /out of memory/],
    [{ serviceResult: null, exitCode: null, exitStatus: null }, /^Not recorded\.$/],
    [{ serviceResult: 'brand-new', exitCode: null, exitStatus: null }, /did not recognise/],
  ])('says how the run ended in words, never in systemd field names: %o', (exit, words) => {
    const said = exitWords(exit);
    expect(said).toMatch(words);
    expect(said).not.toMatch(/SERVICE_RESULT|EXIT_CODE|EXIT_STATUS|exit-code|oom-kill/);
  });
});

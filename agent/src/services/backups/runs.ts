// The history's runs made from what the spool holds: a judged report, a report that cannot be
// read, or a start whose run never reported. None is ever dropped; each says what is known.
import type { BackupRun } from '../../../../shared/backups.ts';
import type { Judgement } from '../../domain/backups/judge-run.ts';
import type { BeforeRecord, RunRecord } from '../../domain/backups/spool-record.ts';

const NO_EXIT = { serviceResult: null, exitCode: null, exitStatus: null };

/** runFromJudgement is a reported run as the history keeps it (seq is set when it is added). */
export function runFromJudgement(record: RunRecord, judgement: Judgement): BackupRun {
  const { snapshot } = judgement;
  const log = record.logError ? [...record.log, `(${record.logError})`] : record.log;
  return {
    id: record.invocationId,
    seq: 0,
    startedAt: judgement.startedAt,
    endedAt: judgement.endedAt,
    durationSeconds: judgement.durationSeconds,
    result: judgement.result,
    reason: judgement.reason,
    flags: judgement.flags,
    snapshotId: snapshot?.id ?? null,
    filesNew: snapshot?.filesNew ?? null,
    filesChanged: snapshot?.filesChanged ?? null,
    filesProcessed: snapshot?.filesProcessed ?? null,
    bytesAdded: snapshot?.bytesAdded ?? null,
    demo: record.demo === true,
    exit: {
      serviceResult: record.serviceResult,
      exitCode: record.exitCode,
      exitStatus: record.exitStatus,
    },
    log,
  };
}

/** unreadableRun keeps a report that cannot be read as a run of unknown result, saying why. */
export function unreadableRun(id: string, problem: string, nowWall: number): BackupRun {
  return blankRun(id, null, nowWall, 'unknown', `Its report could not be read: ${problem}.`);
}

/**
 * orphanRun closes a run that started and never reported: the Pi restarted under it (so it was
 * cut off), or its unit ended without running report-backup (so nothing is known).
 */
export function orphanRun(before: BeforeRecord, why: 'restarted' | 'no-report'): BackupRun {
  return why === 'restarted'
    ? blankRun(
        before.invocationId,
        before.at.wallMs,
        before.at.wallMs,
        'interrupted',
        'The Pi restarted or lost power during this backup, so it never finished.',
      )
    : blankRun(
        before.invocationId,
        before.at.wallMs,
        before.at.wallMs,
        'unknown',
        'The backup ended without a report: is report-backup in the unit’s ExecStopPost?',
      );
}

function blankRun(
  id: string,
  startedAt: number | null,
  endedAt: number,
  result: BackupRun['result'],
  reason: string,
): BackupRun {
  return {
    id,
    seq: 0,
    startedAt,
    endedAt,
    durationSeconds: null,
    result,
    reason,
    flags: [],
    snapshotId: null,
    filesNew: null,
    filesChanged: null,
    filesProcessed: null,
    bytesAdded: null,
    demo: false,
    exit: NO_EXIT,
    log: [],
  };
}

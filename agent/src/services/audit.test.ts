import { describe, expect, it } from 'vitest';
import { memoryFile } from '../adapters/state-store/memory.fixtures.ts';
import { AuditLog, emptyAudit } from './audit.ts';

describe('AuditLog', () => {
  it('pages newest first with nextBefore', async () => {
    let now = 1000;
    const audit = new AuditLog(
      memoryFile(emptyAudit()),
      () => now++,
      () => {},
    );
    for (let i = 0; i < 5; i++) await audit.record('agent-started', `start ${i}`);
    const first = audit.list(2);
    expect(first.entries.map((e) => e.detail)).toEqual(['start 4', 'start 3']);
    const second = audit.list(2, first.nextBefore ?? undefined);
    expect(second.entries.map((e) => e.detail)).toEqual(['start 2', 'start 1']);
    expect(audit.list(10).nextBefore).toBeNull();
  });

  it('keeps entries of kinds a newer agent wrote (a rollback), and answers only known kinds', async () => {
    const written = {
      nextId: 3,
      entries: [
        { id: 1, at: 1, kind: 'device-paired', deviceId: null, detail: 'old' },
        { id: 2, at: 2, kind: 'backup-failed-someday', deviceId: null, detail: 'newer' },
      ],
    };
    const file = memoryFile(written);
    const audit = new AuditLog(
      file,
      () => 3,
      () => {},
    );
    expect(audit.list(10).entries.map((e) => e.kind)).toEqual(['device-paired']);
    await audit.record('agent-started', 'now');
    expect(file.value.entries.map((e) => e.kind)).toEqual([
      'device-paired',
      'backup-failed-someday',
      'agent-started',
    ]);
  });
});

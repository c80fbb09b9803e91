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

  it('keeps the name a device had when the entry was written, and reads entries without one', async () => {
    const names = new Map([['anna', 'Anna’s phone']]);
    const file = memoryFile({
      nextId: 2,
      entries: [{ id: 1, at: 1, kind: 'unlocked', deviceId: 'anna', detail: 'before names' }],
    });
    const audit = new AuditLog(
      file,
      () => 2,
      () => {},
      (id) => names.get(id) ?? null,
    );
    await audit.record('locked', 'The drive was locked.', 'anna');
    names.set('anna', 'Anna’s old phone');
    await audit.record('device-paired', 'someone unknown', 'ghost');
    await audit.record('agent-started', 'no device');
    expect(
      audit.list(10).entries.map(({ deviceId, deviceName }) => [deviceId, deviceName]),
    ).toEqual([
      [null, undefined],
      ['ghost', undefined],
      ['anna', 'Anna’s phone'],
      ['anna', undefined],
    ]);
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

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { config, fakeHost } from './helper.fixtures.ts';
import { KdfLockError } from './kdf-lock.ts';
import { runHelper } from './run.ts';

const PASSPHRASE = 'unit-test passphrase 7f3a';

/** connection runs one helper over in-memory streams and collects its answer and log lines. */
function connection(options: { readTimeoutMs?: number; idleTimeoutMs?: number } = {}) {
  const { host, deps } = fakeHost();
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const logs: string[] = [];
  let written = '';
  stdout.on('data', (chunk: Buffer) => {
    written += chunk.toString('utf8');
  });
  const answered = runHelper(stdin, stdout, config, {
    deps,
    log: (line) => logs.push(line),
    ...options,
  });
  return { host, deps, stdin, answered, logs, written: () => written };
}

/** ask sends chunks, then ends the stream unless told not to, and waits for the answer. */
async function ask(chunks: (string | Buffer)[], end = true) {
  const conn = connection();
  const buffers = chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  for (const buffer of buffers) conn.stdin.write(buffer);
  if (end) conn.stdin.end();
  const answer = await conn.answered;
  return { ...conn, answer, buffers };
}

describe('runHelper', () => {
  it('reads an open frame arriving in pieces, passes the bytes to cryptsetup and zeroes them', async () => {
    const frame = Buffer.from(`open\n${PASSPHRASE.length}\n${PASSPHRASE}`);
    const pieces = [
      frame.subarray(0, 3),
      frame.subarray(3, 7),
      frame.subarray(7, 12),
      frame.subarray(12),
    ];
    const { answer, host, written, logs, buffers } = await ask(pieces.map((p) => Buffer.from(p)));
    expect(answer).toEqual({ ok: true });
    expect(written()).toBe('{"ok":true}\n');
    expect(host.calls.map((call) => call.argv[1])).toEqual(['luksDump', 'open']);
    expect(new TextDecoder().decode(host.calls[1]?.stdin ?? undefined)).toBe(PASSPHRASE);
    // Every chunk the helper received was zeroed once copied into its frame buffer.
    for (const buffer of buffers) expect(buffer.every((byte) => byte === 0)).toBe(true);
    expect(logs).toEqual(['helper: open -> ok']);
  });

  it.each([
    ['missing newline', ['close'], 'bad-frame'],
    ['len 0', ['open\n0\n'], 'bad-frame'],
    ['len 513', [`open\n513\n${'p'.repeat(513)}`], 'bad-frame'],
    ['len 10000', [`open\n10000\n${'p'.repeat(10_000)}`], 'bad-frame'],
    ['len +5', ['open\n+5\n', 'abcde'], 'bad-frame'],
    ['len 05', ['open\n05\nabcde'], 'bad-frame'],
    ['trailing bytes', [`open\n${PASSPHRASE.length}\n${PASSPHRASE}`, 'x'], 'bad-frame'],
    ['short body', [`open\n${PASSPHRASE.length + 1}\n${PASSPHRASE}`], 'bad-frame'],
    ['unknown verb', ['reboot\n'], 'unknown-verb'],
    ['unit not allowed', ['start sshd.service\n'], 'unit-not-allowed'],
    ['unit not allowed (stop)', ['stop getty@tty1.service\n'], 'unit-not-allowed'],
  ])('refuses %s without running anything', async (_, chunks, code) => {
    const { answer, host, written } = await ask(chunks);
    expect(answer).toMatchObject({ ok: false, code });
    expect(host.calls).toEqual([]);
    expect(written()).toBe(`${JSON.stringify(answer)}\n`);
    expect(written()).not.toContain('abcde');
    expect(written()).not.toContain(PASSPHRASE);
  });

  it('refuses as soon as no frame can come of the bytes, without waiting for the end', async () => {
    for (const bytes of ['x'.repeat(200), `open\n3\nabc${'d'.repeat(5000)}`]) {
      const { answer, host } = await ask([bytes], false);
      expect(answer).toMatchObject({ ok: false, code: 'bad-frame' });
      expect(host.calls).toEqual([]);
    }
  });

  it('refuses a request that does not end in time', async () => {
    const conn = connection({ readTimeoutMs: 30 });
    conn.stdin.write('close\n');
    expect(await conn.answered).toMatchObject({ ok: false, code: 'bad-frame' });
    expect(conn.host.calls).toEqual([]);
  });

  it('leaves quietly, answering and running nothing, when no byte comes within the idle limit', async () => {
    const conn = connection({ idleTimeoutMs: 30, readTimeoutMs: 10_000 });
    expect(await conn.answered).toBeNull();
    expect(conn.written()).toBe('');
    expect(conn.host.calls).toEqual([]);
    expect(conn.logs).toEqual([]);
  });

  it('leaves quietly when the stream ends or closes before its first byte', async () => {
    const ended = connection();
    ended.stdin.end();
    const closed = connection();
    closed.stdin.destroy();
    for (const conn of [ended, closed]) {
      expect(await conn.answered).toBeNull();
      expect(conn.written()).toBe('');
      expect(conn.host.calls).toEqual([]);
    }
  });

  it('waits idle past the read limit, then gives the request the read limit from its first byte', async () => {
    const conn = connection({ idleTimeoutMs: 5_000, readTimeoutMs: 80 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    conn.stdin.end('start postgresql.service\n');
    expect(await conn.answered).toEqual({ ok: true });
    expect(conn.written()).toBe('{"ok":true}\n');
    const slow = connection({ idleTimeoutMs: 5_000, readTimeoutMs: 40 });
    slow.stdin.write('start post');
    expect(await slow.answered).toMatchObject({ ok: false, code: 'bad-frame' });
    expect(slow.host.calls).toEqual([]);
  });

  it('refuses, running nothing, a whole frame whose stream closes without a clean end', async () => {
    const conn = connection();
    conn.stdin.write('start postgresql.service\n');
    await new Promise((resolve) => setTimeout(resolve, 10));
    conn.stdin.destroy();
    expect(await conn.answered).toMatchObject({ ok: false, code: 'bad-frame' });
    expect(conn.host.calls).toEqual([]);
  });

  it('answers command-failed, not a crash, when something unexpected throws', async () => {
    const conn = connection();
    conn.host.files.delete('/proc/sys/kernel/random/boot_id');
    conn.stdin.end(`open\n${PASSPHRASE.length}\n${PASSPHRASE}`);
    expect(await conn.answered).toEqual({
      ok: false,
      code: 'command-failed',
      message: 'the helper failed',
    });
    expect(conn.logs.join('\n')).toContain('open failed unexpectedly');
    expect(conn.logs.join('\n')).not.toContain(PASSPHRASE);
  });

  it('answers fixed words when the KDF lock directory is unsafe, and logs why', async () => {
    const conn = connection();
    const why = '/var/lib/immich-pi-helper has mode 0755: group and others must have no access';
    conn.deps.acquireKdfLock = async () => {
      throw new KdfLockError(why);
    };
    conn.stdin.end(`open\n${PASSPHRASE.length}\n${PASSPHRASE}`);
    expect(await conn.answered).toEqual({
      ok: false,
      code: 'command-failed',
      message: 'the KDF lock directory is unsafe or unusable',
    });
    expect(conn.host.argvs().map((argv) => argv[1])).toEqual(['luksDump']); // no cryptsetup open
    expect(conn.logs).toEqual([`helper: open refused: ${why}`, 'helper: open -> command-failed']);
  });

  it('logs the verb, the unit and the outcome, one line per request', async () => {
    const { logs, answer } = await ask(['start postgresql.service\n']);
    expect(answer).toEqual({ ok: true });
    expect(logs).toEqual(['helper: start postgresql.service -> ok']);
  });
});

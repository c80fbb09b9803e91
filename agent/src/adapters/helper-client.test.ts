import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config, fakeHost } from '../helper/helper.fixtures.ts';
import { runHelper } from '../helper/run.ts';
import { createHelperClient } from './helper-client.ts';

const passphrase = () => new TextEncoder().encode('client test passphrase');
const node = process.execPath;

describe('createHelperClient over a unix socket', () => {
  let dir: string;
  let server: Server;
  const { host, deps } = fakeHost();
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ipi-hc-'));
    // The real helper loop on the socket, as systemd's Accept=yes gives it one connection. Half
    // open: the client ends its side after the frame and still reads the answer.
    server = createServer({ allowHalfOpen: true }, (socket) => {
      void runHelper(socket, socket, config, { deps, log: () => {} }).then(() => socket.end());
    });
    await new Promise<void>((resolve) => server.listen(join(dir, 'helper.sock'), resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('frames an open, gets the answer, and leaves the caller its own bytes to zero', async () => {
    const call = createHelperClient({ socket: join(dir, 'helper.sock') });
    const bytes = passphrase();
    expect(await call({ verb: 'open', passphrase: bytes })).toEqual({ ok: true });
    expect(bytes).toEqual(passphrase());
    expect(host.calls.at(-1)?.stdin).toEqual(passphrase());
    host.outcomes.set('systemctl', { code: 1 });
    expect(await call({ verb: 'start', unit: 'immich-server.service' })).toEqual({
      ok: false,
      code: 'unit-failed',
      message: 'the unit failed to start',
      logLines: ['line one', 'line two'],
    });
    expect(await call({ verb: 'start', unit: 'sshd.service' })).toMatchObject({
      code: 'unit-not-allowed',
    });
  });

  it('answers helper-unavailable when nothing listens, and bad-frame without calling for bad requests', async () => {
    const missing = createHelperClient({ socket: join(dir, 'nobody.sock') });
    expect(await missing({ verb: 'close' })).toEqual({
      ok: false,
      code: 'helper-unavailable',
      message: 'the helper cannot be reached',
    });
    expect(await missing({ verb: 'open', passphrase: new Uint8Array(513) })).toMatchObject({
      code: 'bad-frame',
    });
  });
});

describe('createHelperClient over a child process', () => {
  const script = (source: string) => createHelperClient({ command: [node, '-e', source] });

  it('writes the exact frame to the child stdin and reads its answer line', async () => {
    // The child answers ok only when it received exactly the frame, and nothing from the env.
    const expected = JSON.stringify(`open\n22\nclient test passphrase`);
    const call = script(`
      const chunks = [];
      process.stdin.on('data', (c) => chunks.push(c));
      process.stdin.on('end', () => {
        const same = Buffer.concat(chunks).toString('latin1') === ${expected};
        const cleanEnv = Object.keys(process.env).sort().join(',') === 'LANG,PATH';
        console.log(JSON.stringify(same && cleanEnv ? { ok: true } : { ok: false, code: 'bad-frame', message: 'x' }));
      });`);
    expect(await call({ verb: 'open', passphrase: passphrase() })).toEqual({ ok: true });
  });

  it('answers helper-unavailable for a missing program, no answer or a garbage answer', async () => {
    const missing = createHelperClient({ command: ['/nonexistent/immich-pi-helper'] });
    expect(await missing({ verb: 'close' })).toMatchObject({ code: 'helper-unavailable' });
    const logs: string[] = [];
    const silent = createHelperClient(
      { command: [node, '-e', 'process.stderr.write("bad config\\n")'] },
      { log: (line) => logs.push(line) },
    );
    expect(await silent({ verb: 'close' })).toEqual({
      ok: false,
      code: 'helper-unavailable',
      message: 'the helper closed without answering',
    });
    expect(logs).toEqual(['helper gave no answer: bad config']);
    expect(await script('console.log("{\\"ok\\":\\"yes\\"}")')({ verb: 'close' })).toEqual({
      ok: false,
      code: 'helper-unavailable',
      message: 'the helper gave no valid answer',
    });
  });

  it('gives up on a helper that does not answer in time', async () => {
    const call = createHelperClient(
      { command: [node, '-e', 'setTimeout(() => {}, 10000)'] },
      { timeoutMs: 200 },
    );
    expect(await call({ verb: 'close' })).toMatchObject({ ok: false, code: 'timeout' });
  });

  it('refuses a relative helper program when built', () => {
    expect(() => createHelperClient({ command: ['node', 'helper.mjs'] })).toThrow(TypeError);
  });
});

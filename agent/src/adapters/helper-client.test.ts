import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { config, fakeHost } from '../helper/helper.fixtures.ts';
import { runHelper } from '../helper/run.ts';
import { createHelperClient, setCpuQuota } from './helper-client.ts';

/** Spares open in the background: a test waits for them up to 5 s, looking every 20 ms. */
const SPARE_WAIT = { timeout: 5_000, interval: 20 };

const passphrase = () => new TextEncoder().encode('client test passphrase');
const node = process.execPath;

describe('createHelperClient over a unix socket', () => {
  let dir: string;
  let server: Server;
  const connections = new Set<Socket>();
  const { host, deps } = fakeHost();
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ipi-hc-'));
    // The real helper loop on the socket, as systemd's Accept=yes gives it one connection. Half
    // open: the client ends its side after the frame and still reads the answer.
    server = createServer({ allowHalfOpen: true }, (socket) => {
      connections.add(socket);
      socket.on('close', () => connections.delete(socket));
      void runHelper(socket, socket, config, { deps, log: () => {} }).then(() => socket.end());
    });
    await new Promise<void>((resolve) => server.listen(join(dir, 'helper.sock'), resolve));
  });
  afterAll(async () => {
    // The clients' spares are still connected: close() waits for every connection to end.
    for (const socket of connections) socket.destroy();
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

  it('caps and uncaps a unit through setCpuQuota, refusing a bad percent without calling', async () => {
    const call = createHelperClient({ socket: join(dir, 'helper.sock') });
    host.outcomes.delete('systemctl');
    host.calls.length = 0;
    expect(await call.setCpuQuota('immich-server.service', 60)).toEqual({ ok: true });
    expect(await setCpuQuota(call, 'immich-server.service', null)).toEqual({ ok: true });
    expect(await call.setCpuQuota('postgresql.service', 60)).toMatchObject({
      code: 'unit-not-allowed',
    });
    expect(host.argvs()).toEqual([
      ['/bin/systemctl', 'set-property', '--runtime', 'immich-server.service', 'CPUQuota=60%'],
      ['/bin/systemctl', 'set-property', '--runtime', 'immich-server.service', 'CPUQuota='],
    ]);
    const asked: unknown[] = [];
    const fake = async (request: unknown) => {
      asked.push(request);
      return { ok: true } as const;
    };
    for (const percent of [0, 401, 33.3]) {
      expect(await setCpuQuota(fake, 'immich-server.service', percent)).toMatchObject({
        code: 'bad-frame',
      });
      expect(await call.setCpuQuota('immich-server.service', percent)).toMatchObject({
        code: 'bad-frame',
      });
    }
    expect(asked).toEqual([]);
    expect(host.argvs()).toHaveLength(2);
  });

  it('keeps one spare connection open ahead of the next call, and uses it', async () => {
    const call = createHelperClient({ socket: join(dir, 'helper.sock') });
    const before = connections.size;
    call.warm();
    call.warm();
    await vi.waitFor(() => expect(connections.size).toBe(before + 1), SPARE_WAIT);
    const spare = [...connections].at(-1);
    expect(await call({ verb: 'close' })).toEqual({ ok: true });
    // The spare answered (its connection is gone) and one new spare took its place.
    await vi.waitFor(
      () =>
        expect({ spareOpen: connections.has(spare as Socket), size: connections.size }).toEqual({
          spareOpen: false,
          size: before + 1,
        }),
      SPARE_WAIT,
    );
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

  it('answers from the spare child, replaces a dead spare, and never keeps two', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ipi-hc-spare-'));
    const record = join(dir, 'record');
    // Each child notes its start and which one answered, so the test can see who served a call.
    const call = script(`
      const fs = require('node:fs');
      fs.appendFileSync(${JSON.stringify(record)}, 'start ' + process.pid + '\\n');
      process.stdin.resume();
      process.stdin.on('end', () => {
        fs.appendFileSync(${JSON.stringify(record)}, 'answer ' + process.pid + '\\n');
        console.log('{"ok":true}');
      });`);
    const lines = async () => (await readFile(record, 'utf8').catch(() => '')).trim().split('\n');
    const pids = async (kind: string) =>
      (await lines()).filter((l) => l.startsWith(kind)).map((l) => Number(l.split(' ')[1]));
    const started = (count: number) =>
      vi.waitFor(async () => expect(await pids('start')).toHaveLength(count), SPARE_WAIT);
    try {
      call.warm();
      call.warm();
      await started(1);
      const [first] = await pids('start');
      expect(await call({ verb: 'close' })).toEqual({ ok: true });
      expect(await pids('answer')).toEqual([first]);
      await started(2);
      const second = (await pids('start'))[1] as number;
      expect(await call({ verb: 'close' })).toEqual({ ok: true });
      expect(await pids('answer')).toEqual([first, second]);
      await started(3);
      // A spare that dies while idle is not used: a fresh child answers, and a new spare follows.
      const third = (await pids('start'))[2] as number;
      process.kill(third, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await call({ verb: 'close' })).toEqual({ ok: true });
      const answered = (await pids('answer')).at(-1);
      expect([first, second, third]).not.toContain(answered);
      await started(5);
      // Every helper child still running has noted its start: a second spare would be a sixth.
      await vi.waitFor(async () => {
        const noted = await pids('start');
        for (const pid of await liveChildrenNaming(record)) expect(noted).toContain(pid);
      }, SPARE_WAIT);
      expect(await pids('start')).toHaveLength(5);
    } finally {
      for (const pid of await pids('start')) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a relative helper program when built', () => {
    expect(() => createHelperClient({ command: ['node', 'helper.mjs'] })).toThrow(TypeError);
  });
});

/**
 * liveChildrenNaming answers the pids of this process's running children whose argv holds `text`
 * (a zombie has no argv): spawned children show in /proc at once, before they run a line.
 */
async function liveChildrenNaming(text: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== process.pid) continue;
    const argv = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (argv.includes(text)) found.push(Number(name));
  }
  return found;
}

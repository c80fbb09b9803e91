// Before `npm start` touches a sandbox: is a demo (or an agent) already running on it, or is the
// port taken? A second start must leave a running demo alone, so this only reads and connects.
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { isAbsolute, join, relative } from 'node:path';

/** The running demo's claim on its sandbox: who runs it, and where it answers. */
export const DEMO_PID_FILE = 'demo.pid';

interface DemoClaim {
  pid: number;
  agentPid: number | null;
  url: string;
}

const CONNECT_TIMEOUT_MS = 1000;

/**
 * findConflict answers, in words for the person at the terminal, why this demo must not start
 * (another demo or agent on the sandbox, or the port taken), or null when it may.
 */
export async function findConflict(
  dir: string,
  port: number,
  options: { sandboxGiven: boolean },
): Promise<string | null> {
  const claim = await readClaim(dir);
  const elsewhere = `npm start -- --sandbox ${shown(`${dir}-2`)} --port ${await freePortAfter(port)}`;
  if (claim && isAlive(claim.pid, 'demo')) {
    return [
      `Another immich-pi demo is already running on ${claim.url} (pid ${claim.pid}), with the sandbox ${shown(dir)}.`,
      `Stop it with Ctrl-C in its terminal (or \`kill ${claim.pid}\`), or start this one beside it: ${elsewhere}`,
      'Nothing was changed.',
    ].join('\n');
  }
  const config = await readConfig(dir);
  if (config?.adminSocket && (await answers(config.adminSocket))) {
    const agentPid = claim?.agentPid && isAlive(claim.agentPid, 'serve') ? claim.agentPid : null;
    const how = agentPid === null ? 'stop it' : `stop it (\`kill ${agentPid}\`)`;
    return [
      `An immich-pi agent is already running on the sandbox ${shown(dir)}${config.url ? ` (${config.url})` : ''}, without a demo around it.`,
      `${how[0]?.toUpperCase()}${how.slice(1)}, or start this one beside it: ${elsewhere}`,
      'Nothing was changed.',
    ].join('\n');
  }
  const taken = await portTaken(port);
  if (taken) {
    const by = (await isAgent(port)) ? 'another immich-pi agent' : 'another program';
    return [
      `Port ${port} on 127.0.0.1 is already in use by ${by}${taken === 'EACCES' ? ' (or needs root)' : ''}.`,
      `Stop it, or start this one on another port: npm start --${options.sandboxGiven ? ` --sandbox ${shown(dir)}` : ''} --port ${await freePortAfter(port)}`,
      'Nothing was changed.',
    ].join('\n');
  }
  return null;
}

/** claimSandbox writes demo.pid; a stale one (its demo is gone) was let through by findConflict. */
export async function claimSandbox(dir: string, claim: DemoClaim): Promise<void> {
  await writeFile(join(dir, DEMO_PID_FILE), `${JSON.stringify(claim)}\n`);
}

/** releaseSandbox removes demo.pid if it is still this process's claim. */
export async function releaseSandbox(dir: string): Promise<void> {
  const claim = await readClaim(dir);
  if (claim?.pid === process.pid) await rm(join(dir, DEMO_PID_FILE), { force: true });
}

async function readClaim(dir: string): Promise<DemoClaim | null> {
  try {
    const raw = JSON.parse(await readFile(join(dir, DEMO_PID_FILE), 'utf8')) as Partial<DemoClaim>;
    if (!Number.isInteger(raw.pid) || typeof raw.url !== 'string') return null;
    const agentPid = Number.isInteger(raw.agentPid) ? (raw.agentPid as number) : null;
    return { pid: raw.pid as number, agentPid, url: raw.url };
  } catch {
    return null;
  }
}

async function readConfig(dir: string): Promise<{ adminSocket?: string; url?: string } | null> {
  try {
    const raw = JSON.parse(await readFile(join(dir, 'agent.json'), 'utf8'));
    return {
      adminSocket: typeof raw.adminSocket === 'string' ? raw.adminSocket : undefined,
      url: typeof raw.publicUrl === 'string' ? raw.publicUrl : undefined,
    };
  } catch {
    return null;
  }
}

/**
 * isAlive tells whether pid runs and its command line has `word` (a pid reused by an unrelated
 * process does not count); a zombie is not alive.
 */
function isAlive(pid: number, word: string): boolean {
  if (pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // Without /proc the signal check alone decides.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.split(') ')[1]?.[0] === 'Z') return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(word);
  } catch {
    return true;
  }
}

/** answers tells whether something accepts connections on a unix socket (a live agent). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (live: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(live);
    };
    const timer = setTimeout(() => done(false), CONNECT_TIMEOUT_MS);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** portTaken tries to listen on 127.0.0.1:port and answers why it cannot, or null. */
function portTaken(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(null)));
  });
}

/** isAgent tells whether the port answers GET /api/v1/hello as an immich-pi agent does. */
async function isAgent(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/hello`, {
      signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS),
    });
    const body = (await res.json()) as { agentKey?: unknown };
    return typeof body.agentKey === 'string';
  } catch {
    return false;
  }
}

/** freePortAfter answers the first port after `port` that is free now (for the advice only). */
async function freePortAfter(port: number): Promise<number> {
  for (let next = port + 1; next <= Math.min(port + 20, 65535); next++) {
    if ((await portTaken(next)) === null) return next;
  }
  return port + 1;
}

/** shown names a path as the person typed it: relative to here when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

// The admin unix socket: the CLI (over SSH, as root or the agent's group) asks the running agent.
import { chmod, lstat, unlink } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import * as v from 'valibot';
import { DeviceName, KeyId } from '../../../shared/api.ts';
import { Role } from '../../../shared/roles.ts';
import { parseJson } from '../parse-json.ts';

export const AdminRequest = v.variant('cmd', [
  v.strictObject({
    cmd: v.literal('pair'),
    name: v.optional(DeviceName),
    role: v.optional(Role, 'admin'),
  }),
  v.strictObject({ cmd: v.literal('devices') }),
  v.strictObject({ cmd: v.literal('role'), id: KeyId, role: Role }),
  v.strictObject({ cmd: v.literal('revoke'), id: KeyId }),
]);
export type AdminRequest = v.InferOutput<typeof AdminRequest>;
/** AdminRequestInput is what the CLI sends: a pair request may leave out the role (admin). */
export type AdminRequestInput = v.InferInput<typeof AdminRequest>;

export type AdminAnswer = { ok: true; result: unknown } | { ok: false; error: string };

const MAX_REQUEST_BYTES = 4096;
const TIMEOUT_MS = 5000;

/** listenAdminSocket answers one JSON line per connection; the socket is 0660 (root and group). */
export async function listenAdminSocket(
  path: string,
  handle: (request: AdminRequest) => Promise<unknown>,
): Promise<Server> {
  await removeStaleSocket(path);
  const server = createServer((socket) => {
    let buffered = '';
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy());
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end < 0 && buffered.length <= MAX_REQUEST_BYTES) return;
      socket.removeAllListeners('data');
      answer(buffered.slice(0, end < 0 ? MAX_REQUEST_BYTES : end), handle).then((reply) =>
        socket.end(`${JSON.stringify(reply)}\n`),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o660);
  return server;
}

async function answer(
  line: string,
  handle: (r: AdminRequest) => Promise<unknown>,
): Promise<AdminAnswer> {
  const request = parseJson(line, AdminRequest);
  if (!request.ok) {
    return {
      ok: false,
      error: request.notJson ? 'The request is not JSON.' : `Bad request: ${request.message}`,
    };
  }
  try {
    return { ok: true, result: await handle(request.value) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/**
 * removeStaleSocket deletes a socket file left by an earlier run (never a regular file). One that
 * still accepts connections belongs to a running agent: unlinking it would leave that agent
 * unreachable, so this refuses instead.
 */
export async function removeStaleSocket(path: string): Promise<void> {
  const stat = await lstat(path).catch(() => null);
  if (!stat?.isSocket()) return;
  if (await acceptsConnections(path)) {
    throw new AdminSocketError(`Another process is already listening on ${path}.`);
  }
  await unlink(path);
}

// A stale socket file refuses at once (ECONNREFUSED); a live one connects.
function acceptsConnections(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (live: boolean) => {
      socket.destroy();
      resolve(live);
    };
    socket.setTimeout(TIMEOUT_MS, () => done(true));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export class AdminSocketError extends Error {
  override name = 'AdminSocketError';
}

/** askAgent sends one request over the admin socket and returns the agent's result. */
export function askAgent(path: string, request: AdminRequestInput): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let reply = '';
    socket.setEncoding('utf8');
    socket.setTimeout(TIMEOUT_MS, () =>
      socket.destroy(new AdminSocketError('The agent did not answer in time.')),
    );
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      reply += chunk;
    });
    socket.on('error', (error: NodeJS.ErrnoException) => reject(explain(error, path)));
    socket.on('end', () => {
      try {
        const answer = JSON.parse(reply) as AdminAnswer;
        if (answer.ok) resolve(answer.result);
        else reject(new AdminSocketError(answer.error));
      } catch {
        reject(new AdminSocketError('The agent answered something that is not JSON.'));
      }
    });
  });
}

function explain(error: NodeJS.ErrnoException, path: string): Error {
  if (error instanceof AdminSocketError) return error;
  if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
    return new AdminSocketError(`The agent is not running (no admin socket at ${path}).`);
  }
  if (error.code === 'EACCES') {
    return new AdminSocketError(
      `Permission denied on ${path}: run as root or as a member of the agent's group.`,
    );
  }
  return new AdminSocketError(`Cannot reach the agent at ${path}: ${error.message}`);
}

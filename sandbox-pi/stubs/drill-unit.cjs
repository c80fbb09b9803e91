// The stub verify unit (Type=oneshot): `systemctl start` runs immich-pi-verify-backup detached
// with a fresh INVOCATION_ID; its state goes activating → inactive. Run as a script, it is the
// unit's run itself (the process `systemctl stop` and the tests signal).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const stub = require('./stub-common.cjs');

const { unit, verifyBin, agentConfig } = stub.settings.drill ?? {};
const pidFile = path.join(stub.sandbox, 'backup', 'drill.pid');
const stateFile = () => path.join(stub.unitsDir, `${unit}.state`);
const logFile = path.join(stub.sandbox, 'log', 'drills.log');

function runningPid() {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return st && st !== 'Z' ? pid : null;
  } catch {
    return null;
  }
}

/** startDrill is `systemctl start [--no-block]` of the verify unit; a running one is joined. */
function startDrill() {
  if (runningPid() !== null) return 0;
  fs.writeFileSync(stateFile(), 'activating\n');
  const child = spawn(process.execPath, [__filename, randomBytes(16).toString('hex')], {
    detached: true,
    stdio: 'ignore',
  });
  fs.writeFileSync(pidFile, String(child.pid));
  child.unref();
  return 0;
}

/** stopDrill is `systemctl stop`: SIGTERM to the run's program, then SIGKILL after 10 s. */
function stopDrill() {
  const pid = runningPid();
  if (pid === null) return 0;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {}
  for (let i = 0; i < 200 && runningPid() !== null; i++) stub.sleepSeconds(0.05);
  if (runningPid() !== null) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
  fs.writeFileSync(stateFile(), 'inactive\n');
  return 0;
}

/** run is the unit's ExecStart, logged with its start and end times to log/drills.log. */
function run(invocationId) {
  const timeout = path.join(stub.sandbox, 'backup', 'drill-timeout-seconds');
  const extra = fs.existsSync(timeout)
    ? ['--timeout-seconds', fs.readFileSync(timeout, 'utf8').trim()]
    : [];
  const startedAt = Date.now();
  const result = spawnSync(process.execPath, [verifyBin, '--config', agentConfig, ...extra], {
    env: { ...process.env, INVOCATION_ID: invocationId },
    encoding: 'utf8',
    killSignal: 'SIGTERM',
  });
  const line = {
    invocationId,
    startedAt,
    endedAt: Date.now(),
    status: result.status,
    stderr: result.stderr?.slice(0, 500),
  };
  fs.appendFileSync(logFile, `${JSON.stringify(line)}\n`);
  fs.writeFileSync(stateFile(), 'inactive\n');
  fs.rmSync(pidFile, { force: true });
}

if (require.main === module) {
  // systemd's stop reaches the program through the group; pass it on and end with it.
  process.on('SIGTERM', () => {});
  run(process.argv[2]);
} else {
  module.exports = { startDrill, stopDrill, isDrillUnit: (name) => name === unit };
}

// Stub rustic's drill verbs: `check`, `ls --long SNAP:PATH` and `restore SNAP:PATH DEST`, over the
// sandbox drive's own files (under the sandbox's host root). backup/restore-outcome picks a fault:
// ok, corrupt (one restored file's bytes flipped), fail (check fails; restore exits mid-way),
// hang (restore sleeps), truncate-dump (the dump comes back cut short).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const stub = require('./stub-common.cjs');

const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
const outcomeFile = path.join(stub.sandbox, 'backup', 'restore-outcome');
const outcome = () => {
  try {
    return fs.readFileSync(outcomeFile, 'utf8').trim() || 'ok';
  } catch {
    return 'ok';
  }
};
const pad = (n, w = 2, c = '0') => String(n).padStart(w, c);

/** The long line of rustic's print_node: mode user group size "%_d %b %Y %H:%M" "path". */
function longLine(rel, st) {
  const d = new Date(st.mtimeMs);
  const time = `${pad(d.getDate(), 2, ' ')} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const mode = st.isDirectory() ? 'drwxr-xr-x' : '-rw-r--r--';
  return `${mode} ${'root'.padStart(8)} ${'root'.padStart(8)} ${String(st.isDirectory() ? 0 : st.size).padStart(9)} ${time.padStart(17)} ${JSON.stringify(rel)}`;
}

function walk(abs, rel, out) {
  const st = fs.lstatSync(abs);
  out.push(longLine(rel, st));
  if (st.isDirectory())
    for (const name of fs.readdirSync(abs).sort())
      walk(path.join(abs, name), `${rel}/${name}`, out);
}

function ls(target) {
  const where = (target.split(':')[1] ?? '/').replace(/^\/+/, '');
  const out = [];
  if (fs.existsSync(stub.atRoot(where))) walk(stub.atRoot(where), where, out);
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

function restore(target, dest) {
  const from = (target.split(':')[1] ?? '').replace(/^\/+/, '');
  const mode = outcome();
  const count = path.join(stub.sandbox, 'backup', 'restore-count');
  const n = Number(fs.existsSync(count) ? fs.readFileSync(count, 'utf8') : 0) + 1;
  fs.writeFileSync(count, String(n));
  if (mode === 'hang') stub.sleepSeconds(600);
  if (mode === 'fail' && n % 5 === 3) {
    process.stderr.write('[ERROR] error restoring file: unexpected end of pack data\n');
    return 1;
  }
  fs.mkdirSync(dest, { recursive: true });
  const out = path.join(dest, path.basename(from));
  const data = fs.readFileSync(stub.atRoot(from));
  if (mode === 'corrupt' && n % 1000 === 1 && !from.endsWith('.sql.gz')) data[0] ^= 0xff;
  const cut = mode === 'truncate-dump' && from.endsWith('.sql.gz');
  fs.writeFileSync(out, cut ? data.subarray(0, Math.floor(data.length / 2)) : data);
  return 0;
}

/** run answers the exit code of a drill verb, or null when the verb is not one. */
function run(positional) {
  if (positional[0] === 'check') {
    fs.writeFileSync(path.join(stub.sandbox, 'backup', 'restore-count'), '0'); // a drill begins
    fs.appendFileSync(path.join(stub.sandbox, 'log', 'drill-checks.log'), `${Date.now()}\n`);
    if (outcome() === 'fail') {
      process.stderr.write('[ERROR] pack 3f2a1b0c: hash mismatch, data is damaged\n');
      return 1;
    }
    return 0;
  }
  if (positional[0] === 'ls') return ls(positional[1] ?? '');
  if (positional[0] === 'restore') return restore(positional[1] ?? '', positional[2] ?? '.');
  return null;
}

module.exports = { run };

#!/usr/bin/env node
// Stub smartctl: `smartctl --json -H -A -i [-d sat] DISK` prints one of our constructed fixtures
// (bin/smart-fixtures, copied from agent/src/domain/recovery/smart-fixtures) with the exit status
// it goes with. smart/outcome picks the disk: healthy, failing, growing (each read finds 8 more
// reallocated and 2 more pending sectors), no-smart, nvme, garbage, or unknown-bridge (no answer
// without `-d sat`, a healthy one with it).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { logArgv, sandbox, settings } = require('./stub-common.cjs');

const args = process.argv.slice(2);
logArgv('smartctl', args);

const fixtures = path.join(__dirname, 'smart-fixtures');
const statuses = JSON.parse(fs.readFileSync(path.join(fixtures, 'exit-status.json'), 'utf8'));
const FILES = {
  healthy: 'healthy-ata.json',
  failing: 'failing-ata.json',
  growing: 'growing-1.json',
  'no-smart': 'no-smart-usb.json',
  nvme: 'nvme.json',
  garbage: 'garbage.txt',
  'unknown-bridge': 'unknown-bridge.json',
};
const stateDir = path.join(sandbox, 'smart');
const read = (name, fallback) => {
  try {
    return fs.readFileSync(path.join(stateDir, name), 'utf8').trim() || fallback;
  } catch {
    return fallback;
  }
};

const disk = args[args.length - 1] ?? '';
if (!args.includes('--json') || !disk.startsWith(path.join(settings.root, 'dev/'))) {
  process.stderr.write(`stub smartctl: only \`--json -H -A -i [-d sat] /dev/DISK\`, not ${args}\n`);
  process.exit(1);
}
let outcome = read('outcome', 'healthy');
if (!(outcome in FILES)) outcome = 'garbage';
if (outcome === 'unknown-bridge' && args.includes('sat')) outcome = 'healthy';
const file = FILES[outcome];
let output = fs.readFileSync(path.join(fixtures, file), 'utf8');
if (outcome === 'growing') output = grown(JSON.parse(output));
process.stdout.write(output);
process.exitCode = statuses[file] ?? 0;

/** grown answers the growing disk as this read finds it: 8 and 2 more bad sectors each time. */
function grown(reading) {
  const reads = Number(read('reads', '0')) || 0;
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(path.join(stateDir, 'reads'), `${reads + 1}\n`);
  const more = { 5: 8 * reads, 197: 2 * reads };
  for (const attribute of reading.ata_smart_attributes.table) {
    const add = more[attribute.id];
    if (add === undefined) continue;
    const value = attribute.raw.value + add;
    attribute.raw = { value, string: String(value) };
  }
  return `${JSON.stringify(reading, null, 2)}\n`;
}

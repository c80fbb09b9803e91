// The journal's last lines as the helper and report-backup show them: bounded in count and width.
import type { RunCommand } from '../ports.ts';

/**
 * journalTail runs a journalctl argv (the caller picks the match and output format) and answers
 * its last `lines` non-empty lines, each cut to `lineChars`. A failing journalctl throws its
 * CommandError: the caller decides what a missing log means.
 */
export async function journalTail(
  runCommand: RunCommand,
  argv: readonly string[],
  limits: { lines: number; lineChars: number; timeoutMs: number },
): Promise<string[]> {
  const { stdout } = await runCommand(argv, {
    timeoutMs: limits.timeoutMs,
    // journalctl -n counts entries, and one entry can be long: room for that, cut below.
    maxOutputBytes: 1024 * 1024,
  });
  return stdout
    .split('\n')
    .filter((line) => line.trim().length > 0 && !line.startsWith('-- No entries --'))
    .slice(-limits.lines)
    .map((line) =>
      line.length > limits.lineChars ? `${line.slice(0, limits.lineChars - 1)}…` : line,
    );
}

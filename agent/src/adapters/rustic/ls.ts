// Reads `rustic ls --long` (rustic 0.11's print_node), the only listing with sizes and mtimes.
import type { SnapshotFile } from '../../domain/recovery/sampling.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// mode user group size "%_d %b %Y %H:%M" "path" [-> target]
const LINE =
  /^([-dlcbps?][-rwxsStT]{9})\s+\S+\s+\S+\s+(\d+)\s+(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}) (".*")(?: -> .*)?$/;

export interface Listing {
  files: SnapshotFile[];
  /** Lines that were not a node line (rustic's log lines, odd paths). */
  skipped: number;
}

/**
 * parseLongListing answers the regular files of a long listing. Times are the machine's local
 * time to the minute, as rustic prints them; paths are Rust's quoted form, read as JSON.
 */
export function parseLongListing(stdout: string, prefix = ''): Listing {
  const files: SnapshotFile[] = [];
  let skipped = 0;
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const m = LINE.exec(line.trim());
    if (!m) {
      skipped++;
      continue;
    }
    const [, mode, size, day, mon, year, hh, mm, quoted] = m as unknown as string[];
    if (!mode?.startsWith('-')) continue;
    let path: unknown;
    try {
      path = JSON.parse(quoted as string);
    } catch {
      skipped++;
      continue;
    }
    const month = MONTHS.indexOf(mon as string);
    if (typeof path !== 'string' || month < 0) {
      skipped++;
      continue;
    }
    const full = path.startsWith('/') ? path : `${prefix.replace(/\/$/, '')}/${path}`;
    const mtimeMs = new Date(Number(year), month, Number(day), Number(hh), Number(mm)).getTime();
    files.push({ path: full, bytes: Number(size), mtimeMs });
  }
  return { files, skipped };
}

// The sandbox Pi's drive health control: which disk the stub smartctl (stubs/smartctl.cjs) reads,
// or no smartctl at all, as on a Pi without smartmontools.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type SmartOutcome =
  | 'healthy'
  | 'failing'
  | 'growing'
  | 'no-smart'
  | 'nvme'
  | 'garbage'
  | 'unknown-bridge'
  | 'missing';

export interface SmartControls {
  /**
   * setSmart chooses what the next SMART readings find (smart/outcome). growing starts again
   * from its first counts; missing takes smartctl out of bin/, any other outcome puts it back.
   */
  setSmart(outcome: SmartOutcome): Promise<void>;
}

export function smartControls(dir: string): SmartControls {
  const smartctl = join(dir, 'bin/smartctl');
  const hidden = `${smartctl}.missing`;
  return {
    setSmart: async (outcome) => {
      if (outcome === 'missing') {
        if (existsSync(smartctl)) await rename(smartctl, hidden);
        return;
      }
      if (existsSync(hidden)) await rename(hidden, smartctl);
      await mkdir(join(dir, 'smart'), { recursive: true });
      await rm(join(dir, 'smart/reads'), { force: true });
      await writeFile(join(dir, 'smart/outcome'), `${outcome}\n`);
    },
  };
}

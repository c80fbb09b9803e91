// Types of what build.mjs exports to the tests.
import type { BuildOptions } from 'esbuild';

export declare const PROGRAMS: readonly { entry: string; name: string }[];
export declare const nodeBundle: BuildOptions;
export declare function buildDist(options?: { ifNeeded?: boolean }): Promise<void>;

// Types of what ship.mjs exports to the tests.
export declare const PREBUILT_DIR: string;
export declare function prebuiltTree(root?: string): Promise<Map<string, Buffer>>;
export declare function listTree(dir: string): Promise<string[]>;

// Types of what pwa-budget.mjs exports to the bench and the tests.
export interface InitialAsset {
  url: string;
  bytes: number;
  gzipBytes: number;
}
export interface InitialSize {
  files: InitialAsset[];
  bytes: number;
  gzipBytes: number;
}
export declare const BUDGET_BYTES: number;
export declare function initialAssets(indexHtml: string): string[];
export declare function measureInitialSize(outDir: string): Promise<InitialSize>;
export declare function checkBudget(
  outDir: string,
  budgetBytes?: number,
): Promise<InitialSize & { budgetBytes: number; line: string }>;

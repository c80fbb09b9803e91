// The agent's modules form no import cycle, counting type-only imports: a cycle ties modules
// together so neither can change or be read alone (app.ts imports the routes, so no route may
// import app.ts back, not even for a type).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = dirname(fileURLToPath(import.meta.url));

/** importGraph maps each .ts file under dir to the files under dir it imports, by relative path. */
function importGraph(dir: string): Map<string, string[]> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    // preProcessFile lists every import, export-from and `import type`, unlike the compiled output.
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => resolve(dirname(file), name))
      .filter((target) => known.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** findCycles returns one path per cycle a depth-first walk meets, each starting and ending alike. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const done = new Set<string>();
  const onPath: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    const at = onPath.indexOf(file);
    if (at >= 0) {
      cycles.push([...onPath.slice(at), file]);
      return;
    }
    if (done.has(file)) return;
    onPath.push(file);
    for (const target of graph.get(file) ?? []) visit(target);
    onPath.pop();
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) visit(file);
  return cycles;
}

describe('the import graph of agent/src', () => {
  it('sees type-only imports (so the check below can fail)', () => {
    const graph = importGraph(root);
    const deps = graph.get(join(root, 'routes', 'hello.ts')) ?? [];
    expect(deps.map((d) => relative(root, d))).toContain(join('routes', 'env.ts'));
  });

  it('has no cycle', () => {
    const cycles = findCycles(importGraph(root)).map((cycle) =>
      cycle.map((file) => relative(root, file)).join(' → '),
    );
    expect(cycles).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { parseJsonc } from '../../../src/context/imports/js-config.js';
import { extract, fixture, lines } from './helpers.js';

const FORMS = [
  "import x, {a as b, c} from './m';",
  "import * as ns from './ns';",
  "import './side';",
  "export * from './a';",
  "export * as nn from './nn';",
  "export {d, e as f} from './b';",
  "export {default} from './c';",
  "const r = require('./r');",
  "const {p, q: qq} = require('./pq');",
  "const dy = await import('./dyn');",
  "import type {T} from './types';",
  "import {type U, V} from './uv';",
  "import eq = require('./eq');",
  "export type {W} from './w';",
  "const member = require('./member').thing;",
  "import('./bare');",
  "require(name);",
  "export const local = 1;",
].join('\n');

describe('TS/JS import extraction', () => {
  it('reads every import and re-export form in TypeScript', async () => {
    expect(await extract('typescript', FORMS)).toEqual([
      { source: './m', names: ['default', 'a', 'c'] },
      { source: './ns', names: [], alias: 'ns' },
      { source: './side', names: [] },
      { source: './a', names: ['*'] },
      { source: './nn', names: [], alias: 'nn' },
      { source: './b', names: ['d', 'e'] },
      { source: './c', names: ['default'] },
      { source: './r', names: [], alias: 'r' },
      { source: './pq', names: ['p', 'q'] },
      { source: './dyn', names: [], alias: 'dy' },
      { source: './types', names: ['T'] },
      { source: './uv', names: ['U', 'V'] },
      { source: './eq', names: [], alias: 'eq' },
      { source: './w', names: ['W'] },
      { source: './member', names: ['thing'] },
      { source: './bare', names: [] },
    ]);
    expect((await lines('typescript', FORMS)).slice(0, 3)).toEqual([
      ['./m', 0],
      ['./ns', 1],
      ['./side', 2],
    ]);
  });

  it('reads TSX and JavaScript with the same conventions', async () => {
    const tsx = "import React from 'react';\nimport { Button } from './button';\nexport const App = () => <Button label=\"x\" />;\n";
    expect(await extract('tsx', tsx)).toEqual([
      { source: 'react', names: ['default'] },
      { source: './button', names: ['Button'] },
    ]);
    const js = "const fs = require('node:fs');\nimport def from \"./lib.mjs\";\nexport { x as y } from './x.js';\nasync function f() { const { a } = await import('./lazy.js'); }\n";
    expect(await extract('javascript', js)).toEqual([
      { source: 'node:fs', names: [], alias: 'fs' },
      { source: './lib.mjs', names: ['default'] },
      { source: './x.js', names: ['x'] },
      { source: './lazy.js', names: ['a'] },
    ]);
  });
});

describe('TS/JS import resolution', () => {
  const app = fixture('typescript');

  it('resolves relative paths, tsconfig paths and baseUrl, barrels, and skips packages', async () => {
    expect(await app.imports('src/app.tsx')).toEqual([
      // `.js` written in TS source means the .ts file.
      { source: './lib/math.js', names: ['default', 'sum'], files: ['src/lib/math.ts'] },
      // `paths` from the extended base config, relative to the child's baseUrl; the barrel is followed
      // through `export *` (capitalize, EMPTY) and a renaming `export {clamp as clampNumber} from`.
      { source: '@lib/index', names: ['capitalize', 'clampNumber', 'EMPTY'], files: ['src/lib/strings.ts', 'src/lib/math.ts', 'src/lib/index.ts'] },
      { source: '@config', names: ['config'], files: ['src/config/index.ts'] },
      { source: './lib', names: [], alias: 'lib', files: ['src/lib/index.ts'] },
      { source: './polyfill', names: [], files: ['src/polyfill.js'] },
      // baseUrl alone, landing on a declaration file.
      { source: 'components/widget', names: ['Widget'], files: ['src/components/widget.d.ts'] },
      { source: 'react', names: ['default'], files: [] },
      // The first `paths` target is missing; the second one is used.
      { source: '@missing/strings', names: ['helper'], files: ['src/lib/strings.ts'] },
      // `export { default as mean } from './math.js'` leads to the default export.
      { source: './lib', names: ['mean'], files: ['src/lib/math.ts', 'src/lib/index.ts'] },
      { source: './config', names: ['*'], files: ['src/config/index.ts'] },
      { source: './legacy.cjs', names: [], alias: 'legacy', files: ['src/legacy.cjs'] },
      { source: './lib/strings', names: ['capitalize'], files: ['src/lib/strings.ts'] },
      { source: './lib/strings', names: [], alias: 'lazy', files: ['src/lib/strings.ts'] },
      { source: './nope', names: ['missing'], files: [] },
    ]);
  });

  it('puts the defining file first and the barrel second', () => {
    expect(app.resolve('src/app.tsx', './lib/index', ['sum'], 'tsx')).toEqual(['src/lib/math.ts', 'src/lib/index.ts']);
    expect(app.resolve('src/app.tsx', './lib/index.js', ['EMPTY', 'capitalize'], 'typescript')).toEqual(['src/lib/strings.ts', 'src/lib/index.ts']);
    // `export *` never forwards a default export, and an unknown name leaves only the barrel.
    expect(app.resolve('src/app.tsx', './lib', ['default', 'nothing'], 'typescript')).toEqual(['src/lib/index.ts']);
  });

  it('returns [] for bare packages, URLs, builtins and missing files', () => {
    for (const source of ['lodash', '@scope/pkg/sub', 'node:path', 'https://esm.sh/x', './missing', '../../../outside']) {
      expect(app.resolve('src/app.tsx', source, [], 'typescript'), source).toEqual([]);
    }
  });

  it('resolves workspace packages through package.json exports to their sources', async () => {
    const workspace = fixture('ts-workspace');
    expect(await workspace.imports('apps/web/src/main.ts')).toEqual([
      { source: '@acme/ui', names: ['Button'], files: ['packages/ui/src/button.ts', 'packages/ui/src/index.ts'] },
      { source: '@acme/ui/button', names: ['Button'], files: ['packages/ui/src/button.ts'] },
      { source: 'lodash', names: ['debounce'], files: [] },
      { source: 'node:fs', names: ['default'], files: [] },
    ]);
  });
});

describe('parseJsonc', () => {
  it('tolerates comments and trailing commas but keeps strings intact', () => {
    const text = '{\n  // line\n  "a": "http://x/*y*/", /* block */\n  "b": [1, 2,],\n  "c": "say \\"hi\\" // not a comment",\n}';
    expect(parseJsonc(text)).toEqual({ a: 'http://x/*y*/', b: [1, 2], c: 'say "hi" // not a comment' });
    expect(parseJsonc('{ broken')).toBeUndefined();
  });
});

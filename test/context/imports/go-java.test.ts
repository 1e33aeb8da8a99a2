import { describe, expect, it } from 'vitest';
import { extract, fixture, lines } from './helpers.js';

describe('go imports', () => {
  const shop = fixture('go');

  it('extracts single, grouped, aliased, dot and blank imports', async () => {
    const text = 'package main\n\nimport "fmt"\nimport f "example.com/x/y"\nimport (\n\t"os"\n\tm "example.com/mod/a"\n\t. "dot/imp"\n\t_ "blank/imp"\n\traw `raw/path`\n)\n';
    expect(await extract('go', text)).toEqual([
      { source: 'fmt', names: [] },
      { source: 'example.com/x/y', names: [], alias: 'f' },
      { source: 'os', names: [] },
      { source: 'example.com/mod/a', names: [], alias: 'm' },
      { source: 'dot/imp', names: [], alias: '.' },
      { source: 'blank/imp', names: [], alias: '_' },
      { source: 'raw/path', names: [], alias: 'raw' },
    ]);
    expect((await lines('go', text)).map(([, line]) => line)).toEqual([2, 3, 5, 6, 7, 8, 9]);
  });

  it('maps module import paths to the package directory, non-test files only', async () => {
    expect(await shop.imports('main.go')).toEqual([
      { source: 'fmt', names: [], files: [] },
      { source: 'example.com/shop/internal/store', names: [], files: ['internal/store/memory.go', 'internal/store/store.go'] },
      { source: 'example.com/shop/pkg/cart', names: [], alias: 'cart', files: ['pkg/cart/cart.go'] },
      { source: 'example.com/shop/pkg/missing', names: [], alias: '_', files: [] },
      { source: 'strings', names: [], alias: '.', files: [] },
    ]);
  });

  it('uses the nearest go.mod and still finds other modules of the repository', async () => {
    expect(await shop.imports('tools/main.go')).toEqual([
      { source: 'example.com/shop/pkg/cart', names: [], files: ['pkg/cart/cart.go'] },
      { source: 'example.com/tools/missing', names: [], files: [] },
    ]);
    // The module path alone names the root package, which for tools/ is main.go.
    expect(shop.resolve('main.go', 'example.com/tools', [], 'go')).toEqual(['tools/main.go']);
  });

  it('lists same-package files, with tests only for a test file', () => {
    expect(shop.resolver.samePackageFiles('main.go')).toEqual(['helpers.go']);
    expect(shop.resolver.samePackageFiles('internal/store/store.go')).toEqual(['internal/store/memory.go']);
    expect(shop.resolver.samePackageFiles('internal/store/store_test.go')).toEqual(['internal/store/memory.go', 'internal/store/store.go']);
  });
});

describe('java imports', () => {
  const app = fixture('java');

  it('extracts class, wildcard, static and static wildcard imports', async () => {
    const text = 'package com.acme.app;\nimport a.b.C;\nimport a.b.*;\nimport static a.b.C.m;\nimport static a.b.C.*;\n';
    expect(await extract('java', text)).toEqual([
      { source: 'a.b.C', names: [] },
      { source: 'a.b', names: ['*'] },
      { source: 'a.b.C', names: ['m'] },
      { source: 'a.b.C', names: ['*'] },
    ]);
    expect((await lines('java', text)).map(([, line]) => line)).toEqual([1, 2, 3, 4]);
  });

  it('resolves through the maven source roots by path suffix', async () => {
    expect(await app.imports('src/main/java/com/acme/App.java')).toEqual([
      { source: 'com.acme.model.User', names: [], files: ['src/main/java/com/acme/model/User.java'] },
      // A nested class lives in its outer class's file.
      { source: 'com.acme.model.User.Role', names: [], files: ['src/main/java/com/acme/model/User.java'] },
      { source: 'com.acme.util', names: ['*'], files: ['src/main/java/com/acme/util/Numbers.java', 'src/main/java/com/acme/util/Strings.java'] },
      { source: 'com.acme.util.Strings', names: ['capitalize'], files: ['src/main/java/com/acme/util/Strings.java'] },
      { source: 'com.acme.util.Numbers', names: ['*'], files: ['src/main/java/com/acme/util/Numbers.java'] },
      { source: 'java.util.List', names: [], files: [] },
      { source: 'com.acme.missing.Thing', names: [], files: [] },
    ]);
    expect(await app.imports('src/test/java/com/acme/AppTest.java')).toEqual([
      { source: 'com.acme.model.User', names: [], files: ['src/main/java/com/acme/model/User.java'] },
    ]);
  });

  it('never walks from a missing class up into its package', () => {
    expect(app.resolve('src/main/java/com/acme/App.java', 'com.acme.util.Missing', [], 'java')).toEqual([]);
    expect(app.resolve('src/main/java/com/acme/App.java', 'com.acme.nothing', ['*'], 'java')).toEqual([]);
  });

  it('lists the other classes of the same package directory', () => {
    expect(app.resolver.samePackageFiles('src/main/java/com/acme/App.java')).toEqual(['src/main/java/com/acme/Config.java']);
    expect(app.resolver.samePackageFiles('src/test/java/com/acme/AppTest.java')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { ImportResolver } from '../../../src/context/imports.js';
import { extract, fixture, lines, memoryRepo } from './helpers.js';

describe('python import extraction', () => {
  it('reads every statement form, keeping relative dots in the source', async () => {
    const text = [
      'from __future__ import annotations',
      'import a.b as c, d',
      'from .x import y, z as w',
      'from . import m',
      'from pkg import *',
      'from ..pkg.mod import (q,',
      '    r)',
      'import os.path',
      'def f():',
      '    import lazy',
    ].join('\n');
    expect(await extract('python', text)).toEqual([
      { source: 'a.b', names: [], alias: 'c' },
      { source: 'd', names: [] },
      { source: '.x', names: ['y', 'z'] },
      { source: '.', names: ['m'] },
      { source: 'pkg', names: ['*'] },
      { source: '..pkg.mod', names: ['q', 'r'] },
      { source: 'os.path', names: [] },
      { source: 'lazy', names: [] },
    ]);
    expect(await lines('python', text)).toEqual([
      ['a.b', 1],
      ['d', 1],
      ['.x', 2],
      ['.', 3],
      ['pkg', 4],
      ['..pkg.mod', 5],
      ['os.path', 7],
      ['lazy', 9],
    ]);
  });

  it('returns nothing for a file without imports', async () => {
    expect(await extract('python', 'x = 1\n')).toEqual([]);
  });
});

describe('python import resolution', () => {
  const shop = fixture('python');

  it('resolves absolute, relative, re-exported and src-layout imports', async () => {
    expect(await shop.imports('src/shop/cli.py')).toEqual([
      { source: 'os.path', names: [], files: [] },
      { source: 'shop.models', names: [], alias: 'm', files: ['src/shop/models.py'] },
      { source: 'requests', names: [], files: [] },
      // Order is re-exported from .models, total via `from .pricing import *`; util is a namespace package with no file.
      { source: 'shop', names: ['Order', 'total', 'util'], files: ['src/shop/models.py', 'src/shop/pricing.py', 'src/shop/__init__.py'] },
      { source: '.', names: ['pricing'], files: ['src/shop/pricing.py'] },
      { source: '.util', names: ['money'], files: ['src/shop/util/money.py'] },
      { source: '.util.money', names: ['*'], files: ['src/shop/util/money.py'] },
      { source: '..outside', names: ['thing'], files: [] },
      { source: 'shop.pricing', names: ['TAX_RATE', 'total'], files: ['src/shop/pricing.py'] },
      // services/ is a source root because it holds the top-level package api/.
      { source: 'api.routes', names: ['handle'], files: ['services/api/routes.py'] },
      { source: 'shop.nothing', names: [], files: [] },
    ]);
  });

  it('follows a renamed re-export and finds modules next to a script', async () => {
    expect(await shop.imports('tests/test_shop.py')).toEqual([
      { source: 'shop', names: ['Order', 'Item'], files: ['src/shop/models.py', 'src/shop/__init__.py'] },
      { source: 'helpers', names: [], files: ['tests/helpers.py'] },
      { source: 'shop.util', names: ['money'], files: ['src/shop/util/money.py'] },
    ]);
  });

  it('resolves relative imports from __init__.py and from nested packages', async () => {
    expect(await shop.imports('src/shop/__init__.py')).toEqual([
      { source: '.models', names: ['Order', 'LineItem'], files: ['src/shop/models.py'] },
      { source: '.pricing', names: ['*'], files: ['src/shop/pricing.py'] },
    ]);
    expect(await shop.imports('src/shop/util/money.py')).toEqual([{ source: '..models', names: ['Order'], files: ['src/shop/models.py'] }]);
  });

  it('maps a package import to __init__.py and a plain module import to its file', () => {
    expect(shop.resolve('tests/helpers.py', 'shop', [], 'python')).toEqual(['src/shop/__init__.py']);
    expect(shop.resolve('tests/helpers.py', 'shop.pricing', [], 'python')).toEqual(['src/shop/pricing.py']);
    expect(shop.resolve('tests/helpers.py', 'shop', ['TAX_RATE'], 'python')).toEqual(['src/shop/pricing.py', 'src/shop/__init__.py']);
  });

  it('returns [] for missing modules and relative imports that climb out of the repository', () => {
    expect(shop.resolve('tests/helpers.py', 'numpy', ['array'], 'python')).toEqual([]);
    expect(shop.resolve('tests/helpers.py', '...far', ['x'], 'python')).toEqual([]);
    expect(shop.resolve('src/shop/cli.py', '.absent', [], 'python')).toEqual([]);
  });

  it('takes source roots from pyproject.toml package-dir', () => {
    const repo = memoryRepo({
      'pyproject.toml': '[tool.setuptools]\npackage-dir = {"" = "lib"}\n',
      'lib/ns_pkg/tool.py': 'def run():\n    pass\n',
      'scripts/go.py': 'from ns_pkg.tool import run\n',
    });
    const resolver = new ImportResolver(repo);
    expect(resolver.resolve('scripts/go.py', { source: 'ns_pkg.tool', names: ['run'], line: 0 }, 'python')).toEqual(['lib/ns_pkg/tool.py']);
  });
});

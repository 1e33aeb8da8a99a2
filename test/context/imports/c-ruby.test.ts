import { describe, expect, it } from 'vitest';
import { isSystemInclude } from '../../../src/context/imports.js';
import { extract, fixture, lines } from './helpers.js';

describe('C/C++ includes', () => {
  const project = fixture('c');

  it('extracts quoted and system includes, marking system ones by their brackets', async () => {
    const text = '#include "x.h"\n#include <stdio.h>\n#include "../inc/y.h"\n#ifdef FOO\n#include "cond.h"\n#endif\n#include MACRO_H\n';
    expect(await extract('c', text)).toEqual([
      { source: 'x.h', names: [] },
      { source: '<stdio.h>', names: [] },
      { source: '../inc/y.h', names: [] },
      { source: 'cond.h', names: [] },
    ]);
    expect(await extract('cpp', '#include <vector>\n#include "a/b.hpp"\n')).toEqual([
      { source: '<vector>', names: [] },
      { source: 'a/b.hpp', names: [] },
    ]);
    expect((await lines('c', text)).map(([, line]) => line)).toEqual([0, 1, 2, 4]);
    expect(isSystemInclude('<stdio.h>')).toBe(true);
    expect(isSystemInclude('stdio.h')).toBe(false);
  });

  it('resolves relative to the file, then include/ dirs, then any directory holding the header', async () => {
    expect(await project.imports('src/main.c')).toEqual([
      { source: '<stdio.h>', names: [], files: [] },
      // A system include only when a repository file ends with the path.
      { source: '<geo/vec.h>', names: [], files: ['include/geo/vec.h'] },
      { source: 'geo/point.h', names: [], files: ['include/geo/point.h'] },
      { source: 'local.h', names: [], files: ['src/local.h'] },
      { source: '../include/geo/vec.h', names: [], files: ['include/geo/vec.h'] },
      { source: 'config.h', names: [], files: ['third_party/extra/config.h'] },
      { source: 'missing.h', names: [], files: [] },
      { source: 'extra.h', names: [], files: [] },
    ]);
    expect(await project.imports('include/geo/vec.h')).toEqual([{ source: 'point.h', names: [], files: ['include/geo/point.h'] }]);
    expect(await project.imports('src/app.cpp')).toEqual([
      { source: '<vector>', names: [], files: [] },
      { source: 'geo/vec.h', names: [], files: ['include/geo/vec.h'] },
    ]);
  });
});

describe('ruby requires', () => {
  const gem = fixture('ruby');

  it('extracts require, require_relative (as ./path), load and autoload, skipping interpolation', async () => {
    const text = [
      "require_relative 'x'",
      "require 'json'",
      'require "foo/bar"',
      "require_relative '../lib/z'",
      "autoload :Baz, 'foo/baz'",
      "load 'tasks.rb'",
      'require "a/#{b}"',
      "Kernel.require 'skipped'",
      'def f',
      "  require 'lazy'",
      'end',
    ].join('\n');
    expect(await extract('ruby', text)).toEqual([
      { source: './x', names: [] },
      { source: 'json', names: [] },
      { source: 'foo/bar', names: [] },
      { source: '../lib/z', names: [] },
      { source: 'foo/baz', names: ['Baz'] },
      { source: 'tasks.rb', names: [] },
      { source: 'lazy', names: [] },
    ]);
    expect((await lines('ruby', text)).at(-1)).toEqual(['lazy', 9]);
  });

  it('resolves relative requires against the file and the rest against lib/ and the root', async () => {
    expect(await gem.imports('lib/my_gem.rb')).toEqual([
      { source: 'json', names: [], files: [] },
      { source: 'my_gem/version', names: [], files: ['lib/my_gem/version.rb'] },
      { source: './my_gem/parser', names: [], files: ['lib/my_gem/parser.rb'] },
      { source: 'my_gem/formatter', names: ['Formatter'], files: ['lib/my_gem/formatter.rb'] },
    ]);
    expect(await gem.imports('lib/my_gem/parser.rb')).toEqual([
      { source: './version', names: [], files: ['lib/my_gem/version.rb'] },
      { source: '../my_gem/formatter', names: [], files: ['lib/my_gem/formatter.rb'] },
      { source: './missing', names: [], files: [] },
    ]);
    expect(await gem.imports('spec/parser_spec.rb')).toEqual([
      { source: './spec_helper', names: [], files: ['spec/spec_helper.rb'] },
      { source: 'my_gem/parser', names: [], files: ['lib/my_gem/parser.rb'] },
      { source: 'set', names: [], files: [] },
    ]);
    expect(await gem.imports('Rakefile')).toEqual([
      { source: 'rake', names: [], files: [] },
      { source: 'lib/my_gem/version.rb', names: [], files: ['lib/my_gem/version.rb'] },
    ]);
    expect(await gem.imports('my_gem.gemspec')).toEqual([{ source: './lib/my_gem/version', names: [], files: ['lib/my_gem/version.rb'] }]);
  });
});

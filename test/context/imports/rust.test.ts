import { describe, expect, it } from 'vitest';
import { extract, fixture, lines } from './helpers.js';

describe('rust import extraction', () => {
  it('flattens use trees, records mod declarations and extern crates', async () => {
    const text = [
      'use crate::a::b::{C, D as E, e::F, self};',
      'use super::x;',
      'use self::y::*;',
      'use std::collections::HashMap as HM;',
      'mod foo;',
      'pub mod bar;',
      'mod inline { mod nested; fn f() {} }',
      'use ::abs::path;',
      'extern crate serde;',
      'extern crate rand as r;',
      'pub(crate) use super::super::z::{w::{v, u}};',
      'use serde;',
    ].join('\n');
    expect(await extract('rust', text)).toEqual([
      { source: 'crate::a::b', names: ['C', 'self'] },
      { source: 'crate::a::b', names: ['D'], alias: 'E' },
      { source: 'crate::a::b::e', names: ['F'] },
      { source: 'super', names: ['x'] },
      { source: 'self::y', names: ['*'] },
      { source: 'std::collections', names: ['HashMap'], alias: 'HM' },
      { source: 'mod:foo', names: [] },
      { source: 'mod:bar', names: [] },
      { source: 'mod:inline::nested', names: [] },
      { source: '::abs', names: ['path'] },
      { source: 'serde', names: [] },
      { source: 'rand', names: [], alias: 'r' },
      { source: 'super::super::z::w', names: ['v', 'u'] },
      { source: 'serde', names: [] },
    ]);
    expect((await lines('rust', text)).slice(0, 4).map(([, line]) => line)).toEqual([0, 0, 0, 1]);
  });

  it('rewrites self:: and super:: inside inline modules relative to the file module', async () => {
    const text = [
      'mod tests {',
      '    use super::*;',
      '    use super::super::up;',
      '    use self::helpers::h;',
      '    mod deeper { use super::super::Thing; }',
      '}',
    ].join('\n');
    expect(await extract('rust', text)).toEqual([
      { source: 'self', names: ['*'] },
      { source: 'super', names: ['up'] },
      { source: 'self::tests::helpers', names: ['h'] },
      { source: 'self', names: ['Thing'] },
    ]);
  });
});

describe('rust import resolution', () => {
  const geo = fixture('rust');

  it('resolves mod declarations in both layouts and crate:: paths from the crate root', async () => {
    expect(await geo.imports('src/lib.rs')).toEqual([
      { source: 'mod:shapes', names: [], files: ['src/shapes/mod.rs'] },
      { source: 'mod:util', names: [], files: ['src/util.rs'] },
      { source: 'crate::shapes::circle', names: ['Circle'], files: ['src/shapes/circle.rs'] },
      // A 2018-edition path relative to the current module.
      { source: 'shapes', names: ['Square'], files: ['src/shapes/mod.rs'] },
      { source: 'mod:inline::nested', names: [], files: [] },
    ]);
    // util.rs + util/ layout: its submodules live in util/.
    expect(await geo.imports('src/util.rs')).toEqual([
      { source: 'mod:math', names: [], files: ['src/util/math.rs'] },
      { source: 'mod:absent', names: [], files: [] },
    ]);
  });

  it('resolves super:: and self:: against the module of the file, mod.rs included', async () => {
    expect(await geo.imports('src/shapes/mod.rs')).toEqual([
      { source: 'mod:circle', names: [], files: ['src/shapes/circle.rs'] },
      { source: 'mod:square', names: [], files: ['src/shapes/square.rs'] },
      { source: 'square', names: ['Square'], files: ['src/shapes/square.rs'] },
      { source: 'super::util', names: ['math'], files: ['src/util/math.rs'] },
    ]);
    expect(await geo.imports('src/shapes/circle.rs')).toEqual([
      { source: 'super::square', names: ['Square'], files: ['src/shapes/square.rs'] },
      { source: 'crate::util::math', names: ['PI'], files: ['src/util/math.rs'] },
      { source: 'crate::util', names: ['self'], files: ['src/util.rs'] },
      { source: 'std::f64', names: ['consts'], files: [] },
      // inner is an inline module, so the path ends in this very file.
      { source: 'self::inner', names: ['Helper'], files: ['src/shapes/circle.rs'] },
    ]);
    expect(await geo.imports('src/util/math.rs')).toEqual([
      { source: 'crate::shapes::circle', names: ['Circle'], files: ['src/shapes/circle.rs'] },
      // Square is an item of shapes, so the module file is the answer.
      { source: 'crate::shapes', names: ['Square'], files: ['src/shapes/mod.rs'] },
      { source: 'super::super', names: ['shapes'], files: ['src/shapes/mod.rs'] },
      { source: 'super::super::super', names: ['too_far'], files: [] },
      { source: 'crate', names: ['Circle'], alias: 'Round', files: ['src/lib.rs'] },
    ]);
  });

  it('resolves the package by its crate name from the binary, and skips external crates', async () => {
    expect(await geo.imports('src/main.rs')).toEqual([
      { source: 'geo_kit::shapes', names: ['Square'], files: ['src/shapes/mod.rs'] },
      { source: 'geo_kit::shapes::circle', names: ['Circle'], files: ['src/shapes/circle.rs'] },
      { source: 'serde', names: ['Serialize'], files: [] },
      { source: 'mod:cli', names: [], files: ['src/cli.rs'] },
    ]);
    expect(await geo.imports('src/cli.rs')).toEqual([{ source: 'geo_kit', names: ['Circle', 'Square'], files: ['src/lib.rs'] }]);
  });

  it('resolves a test module glob to the file under test', () => {
    expect(geo.resolve('src/shapes/circle.rs', 'self', ['*'], 'rust')).toEqual(['src/shapes/circle.rs']);
    expect(geo.resolve('src/shapes/circle.rs', 'super', ['Square'], 'rust')).toEqual(['src/shapes/mod.rs']);
  });

  it('falls back to the deepest existing module inside the crate, and gives [] outside it', () => {
    // If it compiles, `nowhere` is an inline module of the crate root.
    expect(geo.resolve('src/shapes/circle.rs', 'crate::nowhere::deep', ['X'], 'rust')).toEqual(['src/lib.rs']);
    expect(geo.resolve('src/shapes/circle.rs', 'tokio::sync', ['Mutex'], 'rust')).toEqual([]);
    expect(geo.resolve('src/shapes/circle.rs', '::geo_kit', ['Circle'], 'rust')).toEqual(['src/lib.rs']);
  });
});

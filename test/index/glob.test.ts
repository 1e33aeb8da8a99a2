import { describe, expect, it } from 'vitest';
import { expandBraces, globToRegExp, wildcardSource } from '../../src/index/glob.js';

function matches(glob: string, path: string): boolean {
  return globToRegExp(glob).test(path);
}

describe('globToRegExp', () => {
  it('keeps * within one path segment', () => {
    expect(matches('src/*.ts', 'src/a.ts')).toBe(true);
    expect(matches('src/*.ts', 'src/sub/a.ts')).toBe(false);
    expect(matches('src/*', 'src/a/b.ts')).toBe(false);
    expect(matches('src/*.ts', 'src/.hidden.ts')).toBe(true);
  });

  it('lets ** span any number of directories, zero included', () => {
    expect(matches('src/**/x.ts', 'src/x.ts')).toBe(true);
    expect(matches('src/**/x.ts', 'src/a/x.ts')).toBe(true);
    expect(matches('src/**/x.ts', 'src/a/b/c/x.ts')).toBe(true);
    expect(matches('src/**/x.ts', 'lib/src/x.ts')).toBe(false);
    expect(matches('src/**', 'src/a/b.ts')).toBe(true);
    expect(matches('src/**', 'srcx/a.ts')).toBe(false);
    expect(matches('**/test/*.py', 'test/a.py')).toBe(true);
    expect(matches('**/test/*.py', 'a/b/test/a.py')).toBe(true);
    expect(matches('**', 'any/thing/at/all')).toBe(true);
  });

  it('treats ** inside a segment like *', () => {
    expect(matches('src/a**b', 'src/axxb')).toBe(true);
    expect(matches('src/a**b', 'src/a/b')).toBe(false);
  });

  it('matches a glob without a slash against the basename at any depth', () => {
    expect(matches('*.py', 'a.py')).toBe(true);
    expect(matches('*.py', 'a/b/c.py')).toBe(true);
    expect(matches('*.py', 'a/b/c.pyc')).toBe(false);
    expect(matches('*.py', 'a.py/c.txt')).toBe(false);
    expect(matches('Makefile', 'tools/Makefile')).toBe(true);
  });

  it('anchors a glob with a slash at the repository root', () => {
    expect(matches('src/a.ts', 'src/a.ts')).toBe(true);
    expect(matches('src/a.ts', 'lib/src/a.ts')).toBe(false);
    expect(matches('/a.ts', 'a.ts')).toBe(true);
    expect(matches('/a.ts', 'b/a.ts')).toBe(false);
    expect(matches('./src/*.ts', 'src/a.ts')).toBe(true);
  });

  it('reads a trailing slash as everything below the directory', () => {
    expect(matches('src/', 'src/a/b.ts')).toBe(true);
    expect(matches('src/', 'lib/src/a.ts')).toBe(false);
  });

  it('supports ?, character classes and their negation', () => {
    expect(matches('a?.ts', 'ab.ts')).toBe(true);
    expect(matches('a?.ts', 'abc.ts')).toBe(false);
    expect(matches('src/a?b', 'src/a/b')).toBe(false);
    expect(matches('file[0-9].txt', 'file7.txt')).toBe(true);
    expect(matches('file[0-9].txt', 'filex.txt')).toBe(false);
    expect(matches('[abc].ts', 'b.ts')).toBe(true);
    expect(matches('[!abc].ts', 'b.ts')).toBe(false);
    expect(matches('[!abc].ts', 'd.ts')).toBe(true);
    expect(matches('[^abc].ts', 'd.ts')).toBe(true);
    expect(matches('src/x[!a]y', 'src/x/y')).toBe(false);
    expect(matches('[[:digit:]]*.md', '01-intro.md')).toBe(true);
    expect(matches('[]]', ']')).toBe(true);
  });

  it('expands {a,b} alternatives, nested ones too', () => {
    expect(matches('*.{ts,tsx}', 'a/b.tsx')).toBe(true);
    expect(matches('*.{ts,tsx}', 'a/b.ts')).toBe(true);
    expect(matches('*.{ts,tsx}', 'a/b.js')).toBe(false);
    expect(matches('{src,lib}/**/*.ts', 'lib/x/y.ts')).toBe(true);
    expect(matches('{src,lib}/**/*.ts', 'test/y.ts')).toBe(false);
    expect(matches('a.{c,{h,hpp}}', 'a.hpp')).toBe(true);
    // Each alternative decides on its own whether it is anchored.
    expect(matches('{*.py,src/*.ts}', 'deep/x.py')).toBe(true);
    expect(matches('{*.py,src/*.ts}', 'deep/src/x.ts')).toBe(false);
  });

  it('treats regex characters, escapes and comma-less braces literally', () => {
    expect(matches('a+b(c).ts', 'a+b(c).ts')).toBe(true);
    expect(matches('a.ts', 'abts')).toBe(false);
    expect(matches('\\*.ts', '*.ts')).toBe(true);
    expect(matches('\\*.ts', 'a.ts')).toBe(false);
    expect(matches('{a}.ts', '{a}.ts')).toBe(true);
    expect(matches('[abc', '[abc')).toBe(true);
    expect(matches('$x^', 'dir/$x^')).toBe(true);
  });

  it('refuses patterns whose braces expand without bound', () => {
    expect(() => globToRegExp('{a,b}'.repeat(12))).toThrow(/expands to more than/);
  });
});

describe('expandBraces and wildcardSource', () => {
  it('expands in order', () => {
    expect(expandBraces('x{a,b}y{1,2}')).toEqual(['xay1', 'xay2', 'xby1', 'xby2']);
    expect(expandBraces('{,.test}.ts')).toEqual(['.ts', '.test.ts']);
    expect(expandBraces('a\\{b,c}')).toEqual(['a\\{b,c}']);
  });

  it('produces an unanchored source', () => {
    expect(new RegExp(wildcardSource('a/*.ts')).test('x/a/b.ts/y')).toBe(true);
  });
});

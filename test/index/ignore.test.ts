import { describe, expect, it } from 'vitest';
import { IgnoreRules, IgnoreStack } from '../../src/index/ignore.js';

function rules(text: string, baseDir = ''): IgnoreRules {
  return IgnoreRules.parse(text, baseDir);
}

describe('IgnoreRules', () => {
  it('matches a slash-less pattern against the basename at any depth', () => {
    const r = rules('*.log\nbuild\n');
    expect(r.ignores('a.log', false)).toBe(true);
    expect(r.ignores('x/y/a.log', false)).toBe(true);
    expect(r.ignores('build', true)).toBe(true);
    expect(r.ignores('src/build', false)).toBe(true);
    expect(r.ignores('a.txt', false)).toBeUndefined();
  });

  it('anchors patterns with a leading or inner slash', () => {
    const r = rules('/todo.txt\ndoc/frotz\n');
    expect(r.ignores('todo.txt', false)).toBe(true);
    expect(r.ignores('sub/todo.txt', false)).toBeUndefined();
    expect(r.ignores('doc/frotz', true)).toBe(true);
    expect(r.ignores('a/doc/frotz', true)).toBeUndefined();
  });

  it('limits a trailing-slash pattern to directories', () => {
    const r = rules('out/\n');
    expect(r.ignores('out', true)).toBe(true);
    expect(r.ignores('src/out', true)).toBe(true);
    expect(r.ignores('out', false)).toBeUndefined();
  });

  it('lets a later negation re-include, and the last match decide', () => {
    const r = rules('*.log\n!keep.log\n');
    expect(r.ignores('a.log', false)).toBe(true);
    expect(r.ignores('x/keep.log', false)).toBe(false);
    const reversed = rules('!keep.log\n*.log\n');
    expect(reversed.ignores('keep.log', false)).toBe(true);
  });

  it('handles ** at the start, middle and end', () => {
    const r = rules('**/logs\na/**/b\nvendor/**\n');
    expect(r.ignores('logs', true)).toBe(true);
    expect(r.ignores('x/y/logs', true)).toBe(true);
    expect(r.ignores('a/b', false)).toBe(true);
    expect(r.ignores('a/x/y/b', false)).toBe(true);
    expect(r.ignores('z/a/b', false)).toBeUndefined();
    expect(r.ignores('vendor/lib/x.js', false)).toBe(true);
    // `vendor/**` matches what is inside, not the directory itself.
    expect(r.ignores('vendor', true)).toBeUndefined();
  });

  it('supports ?, character classes and negated classes', () => {
    const r = rules('file?.txt\n*.[oa]\n[!x]*.tmp\n');
    expect(r.ignores('file1.txt', false)).toBe(true);
    expect(r.ignores('file12.txt', false)).toBeUndefined();
    expect(r.ignores('lib.a', false)).toBe(true);
    expect(r.ignores('lib.c', false)).toBeUndefined();
    expect(r.ignores('a.tmp', false)).toBe(true);
    expect(r.ignores('x.tmp', false)).toBeUndefined();
  });

  it('skips comments and blanks, honours escapes and trims unescaped trailing spaces', () => {
    const r = rules('# comment\n\n\\#hash\n\\!bang\ntrail   \nspace\\ \r\n');
    expect(r.ignores('# comment', false)).toBeUndefined();
    expect(r.ignores('#hash', false)).toBe(true);
    expect(r.ignores('!bang', false)).toBe(true);
    expect(r.ignores('trail', false)).toBe(true);
    expect(r.ignores('space ', false)).toBe(true);
    expect(r.ignores('space', false)).toBeUndefined();
  });

  it('applies only below its own directory, relative to it', () => {
    const r = rules('/gen\n*.tmp\n', 'pkg/a');
    expect(r.baseDir).toBe('pkg/a');
    expect(r.ignores('pkg/a/gen', true)).toBe(true);
    expect(r.ignores('pkg/a/x/gen', true)).toBeUndefined();
    expect(r.ignores('pkg/a/x/y.tmp', false)).toBe(true);
    expect(r.ignores('pkg/ab/y.tmp', false)).toBeUndefined();
    expect(r.ignores('other/y.tmp', false)).toBeUndefined();
    expect(rules('x', './lib/').baseDir).toBe('lib');
  });
});

describe('IgnoreStack', () => {
  it('lets deeper files override shallower ones', () => {
    const root = rules('*.gen.ts\n');
    const sub = rules('!keep.gen.ts\n', 'src');
    const stack = IgnoreStack.EMPTY.with(root).with(sub);
    expect(stack.ignores('src/keep.gen.ts', false)).toBe(false);
    expect(stack.ignores('src/other.gen.ts', false)).toBe(true);
    expect(stack.ignores('keep.gen.ts', false)).toBe(true);
    expect(stack.ignores('src/plain.ts', false)).toBe(false);
  });

  it('lets later files at one level win, and stays immutable', () => {
    const base = IgnoreStack.EMPTY.with(rules('*.md\n'));
    const extended = base.with(rules('!README.md\n'));
    expect(extended.ignores('README.md', false)).toBe(false);
    expect(base.ignores('README.md', false)).toBe(true);
    expect(base.with(undefined, rules('# only a comment\n'))).toBe(base);
  });
});

import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closestNames, parseTarget, resolveTarget, TargetError } from '../../../src/engine/agents/target.js';

let base: string;
let root: string;
const CART = 'class Cart:\n    def add(self, item):\n        self.items.append(item)\n\n    def total(self):\n        return sum(self.items)\n\n\ndef total(values):\n    return sum(values)\n';

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'inline-target-')));
  root = join(base, 'repo');
  mkdirSync(join(root, 'shop'), { recursive: true });
  writeFileSync(join(root, 'shop', 'cart.py'), CART);
  writeFileSync(join(root, 'notes.txt'), 'plain text\n');
  writeFileSync(join(root, 'blob.bin'), Buffer.from([1, 0, 2]));
  writeFileSync(join(base, 'outside.py'), 'x = 1\n');
  symlinkSync(join(base, 'outside.py'), join(root, 'link.py'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('parseTarget', () => {
  it('reads the three forms', () => {
    expect(parseTarget('src/a.py')).toEqual({ file: 'src/a.py' });
    expect(parseTarget('src/a.py:10-40')).toEqual({ file: 'src/a.py', lines: { start: 10, end: 40 } });
    expect(parseTarget('src/a.py:7')).toEqual({ file: 'src/a.py', lines: { start: 7, end: 7 } });
    expect(parseTarget('src/a.py#Cart.add')).toEqual({ file: 'src/a.py', symbol: 'Cart.add' });
    expect(() => parseTarget('a.py:9-3')).toThrow(TargetError);
    expect(() => parseTarget('a.py#')).toThrow(/names no symbol/);
  });
});

describe('resolveTarget', () => {
  it('resolves a whole file, a line range and a symbol', async () => {
    expect(await resolveTarget(root, root, 'shop/cart.py')).toMatchObject({ path: 'shop/cart.py', startLine: 1, endLine: 10, code: CART });
    expect(await resolveTarget(root, join(root, 'shop'), 'cart.py:2-3')).toMatchObject({
      path: 'shop/cart.py',
      startLine: 2,
      endLine: 3,
      code: '    def add(self, item):\n        self.items.append(item)',
    });
    const method = await resolveTarget(root, root, 'shop/cart.py#Cart.add');
    expect(method).toMatchObject({ startLine: 2, endLine: 3 });
    expect(method.code).toContain('self.items.append(item)');
  });

  it('asks for a qualified name when a bare one is ambiguous', async () => {
    await expect(resolveTarget(root, root, 'shop/cart.py#total')).rejects.toThrow(/ambiguous.*Cart\.total \(line 5\).*total \(line 9\)/);
    expect((await resolveTarget(root, root, 'shop/cart.py#Cart.total')).startLine).toBe(5);
  });

  it('lists close matches for an unknown symbol', async () => {
    await expect(resolveTarget(root, root, 'shop/cart.py#Cart.ad')).rejects.toThrow(/no symbol Cart\.ad\. Did you mean: Cart\.add/);
    await expect(resolveTarget(root, root, 'shop/cart.py#totl')).rejects.toThrow(/Did you mean: .*total/);
  });

  it('refuses what is missing, outside, binary, unparsable for symbols, or past the end', async () => {
    await expect(resolveTarget(root, root, 'nope.py')).rejects.toThrow(/does not exist/);
    await expect(resolveTarget(root, root, 'link.py')).rejects.toThrow(/outside the repository root/);
    await expect(resolveTarget(root, root, 'blob.bin')).rejects.toThrow(/binary/);
    await expect(resolveTarget(root, root, 'notes.txt#thing')).rejects.toThrow(/not in a language inline parses/);
    await expect(resolveTarget(root, root, 'shop/cart.py:99')).rejects.toThrow(/has 10 lines/);
  });
});

describe('closestNames', () => {
  it('prefers substrings, then small edit distances, and gives up on strangers', () => {
    expect(closestNames('add', ['Cart.add', 'Cart.total', 'remove'])).toEqual(['Cart.add']);
    expect(closestNames('totl', ['Cart.total', 'total', 'unrelated_name'])).toEqual(['Cart.total', 'total']);
    expect(closestNames('zzz', ['alpha', 'beta'])).toEqual([]);
  });
});

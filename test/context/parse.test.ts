import { describe, expect, it } from 'vitest';
import { clearTreeCache, diffTexts, withTree } from '../../src/context/parse.js';
import { seededRandom } from '../../bench/corpus/python-stdlib.js';

const SOURCE = `import os

class Greeter:
    """Says hello in "é😀" style."""

    def greet(self, name: str) -> str:
        return f"hello {name}"


def main():
    print(Greeter().greet(os.getlogin()))
`;

describe('diffTexts', () => {
  it('finds the single changed span with rows and UTF-16 columns', () => {
    const edit = diffTexts('ab\ncé😀d\n', 'ab\ncé😀Xd\n').edit;
    expect(diffTexts('abc', 'xyz').edit).toBeUndefined();
    expect(edit).toMatchObject({ startIndex: 7, oldEndIndex: 7, newEndIndex: 8, startPosition: { row: 1, column: 4 }, newEndPosition: { row: 1, column: 5 } });
  });
});

describe('withTree (incremental re-parse)', () => {
  it('gives the same tree as a fresh parse after random edits', async () => {
    const random = seededRandom(3);
    let text = SOURCE;
    const alphabet = ['x', ' ', '\n', '(', ')', ':', '"', 'é', '😀', '    ', 'def f():\n    pass\n'];
    for (let step = 0; step < 150; step++) {
      const at = Math.floor(random() * (text.length + 1));
      if (random() < 0.3 && text.length > 10) {
        text = text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(random() * 4)));
      } else {
        text = text.slice(0, at) + alphabet[Math.floor(random() * alphabet.length)] + text.slice(at);
      }
      const incremental = await withTree('python', text, (tree) => tree.rootNode.toString());
      const before = text;
      clearTreeCache();
      const fresh = await withTree('python', before, (tree) => tree.rootNode.toString());
      expect(incremental).toBe(fresh);
    }
  });
});

describe('withTree (kept trees)', () => {
  it('keeps small files’ trees but lets a very large one go once another file is parsed', async () => {
    clearTreeCache();
    const large = SOURCE.repeat(Math.ceil((300 * 1024) / SOURCE.length));
    const small = `${SOURCE}\nx = 1\n`;
    const firstLarge = await withTree('python', large, (tree) => tree);
    // The newest tree is kept even when it alone is over the budget: its caller is using it.
    expect(await withTree('python', large, (tree) => tree)).toBe(firstLarge);
    const firstSmall = await withTree('python', small, (tree) => tree);
    expect(await withTree('python', small, (tree) => tree)).toBe(firstSmall);
    const secondLarge = await withTree('python', large, (tree) => tree.rootNode.childCount);
    expect(secondLarge).toBeGreaterThan(0);
    expect(await withTree('python', large, (tree) => tree)).not.toBe(firstLarge);
    clearTreeCache();
  });
});

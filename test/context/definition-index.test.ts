import { describe, expect, it } from 'vitest';
import { approximateDefinition } from '../../src/context/definition-index.js';

describe('approximateDefinition', () => {
  it('takes the header, the lines indented deeper and a closing bracket at its own indentation', () => {
    const text = ['import x', '', 'class Shape {', '  area(): number {', '', '    return 0;', '  }', '}', 'const after = 1;'].join('\n');
    const def = approximateDefinition(text, { path: 'shape.ts', name: 'Shape', line: 2, hint: 'type' });
    expect(def.range).toMatchObject({ startLine: 2, endLine: 7, startColumn: 0, endColumn: 1 });
    expect(text.slice(def.range.startIndex, def.range.endIndex)).toBe(text.split('\n').slice(2, 8).join('\n'));
    expect(text.slice(def.nameRange.startIndex, def.nameRange.endIndex)).toBe('Shape');
    expect(def.signature).toBe('class Shape');
    expect(def.kind).toBe('type');
  });

  it('ends an indented definition at the first line that is not deeper, and reaches the end of the file', () => {
    const text = 'class A:\n    def f(self):\n        return 1\n\n    def g(self):\n        pass';
    const f = approximateDefinition(text, { path: 'a.py', name: 'f', line: 1, hint: 'callable' });
    expect(f.range).toMatchObject({ startLine: 1, endLine: 2, startColumn: 4 });
    expect(text.slice(f.range.startIndex, f.range.endIndex)).toBe('def f(self):\n        return 1');
    expect(f.signature).toBe('def f(self)');
    const g = approximateDefinition(text, { path: 'a.py', name: 'g', line: 4, hint: 'callable' });
    expect(text.slice(g.range.startIndex, g.range.endIndex)).toBe('def g(self):\n        pass');
    expect(g.range.endIndex).toBe(text.length);
  });
});

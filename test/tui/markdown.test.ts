import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/tui/markdown.js';
import { highlightLine } from '../../src/tui/highlight.js';
import { displayWidth, stripAnsi } from '../../src/tui/ansi.js';

const plain = (text: string, width = 60): string[] => renderMarkdown(text, { width, color: false });

describe('renderMarkdown', () => {
  it('renders headings, lists, quotes, rules and inline styles without their markers', () => {
    const lines = plain('# Title\n\nSome **bold**, *em*, `code` and [docs](https://x.dev).\n\n- one\n  - nested\n2. two\n> quoted\n\n---');
    expect(lines).toEqual([
      'Title',
      '',
      'Some bold, em, code and docs (https://x.dev).',
      '',
      '• one',
      '  ◦ nested',
      '2. two',
      '│ quoted',
      '',
      '─'.repeat(60),
    ]);
  });

  it('styles emphasis and code with escape sequences when colour is on', () => {
    const [line] = renderMarkdown('a **b** `c`', { width: 40, color: true });
    expect(line).toContain('\u001b[1mb\u001b[22m');
    expect(line).toContain('\u001b[36mc\u001b[39m');
  });

  it('wraps paragraphs and list items to the width with a hanging indent', () => {
    const text = `- ${'word '.repeat(30)}\n\n${'x'.repeat(50)} tail`;
    const lines = plain(text, 24);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(24);
    expect(lines[0]!.startsWith('• word')).toBe(true);
    expect(lines[1]!.startsWith('  word')).toBe(true);
    expect(lines.join('\n')).toContain('x'.repeat(24));
  });

  it('renders fenced code with highlighting, keeps an unclosed fence as code, and leaves unclosed markers literal', () => {
    const colored = renderMarkdown('```python\ndef f():\n    return "hi"  # note\n```\nafter **open', { width: 50, color: true });
    const text = colored.map(stripAnsi);
    expect(text).toEqual(['╭─ python', '│ def f():', '│     return "hi"  # note', '╰─', 'after **open']);
    expect(colored[1]).toContain('\u001b[35mdef\u001b[39m');
    expect(colored[2]).toContain('\u001b[32m"hi"\u001b[39m');
    expect(colored[2]).toContain('\u001b[90m# note\u001b[39m');

    const streaming = plain('```ts\nconst a = 1;');
    expect(streaming).toEqual(['╭─ ts', '│ const a = 1;', '╰─']);
  });

  it('hard-wraps long code lines to the width', () => {
    const lines = plain(`\`\`\`\n${'y'.repeat(70)}\n\`\`\``, 30);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(30);
    expect(lines.filter((l) => l.includes('y')).map((l) => l.replace('│ ', '')).join('')).toBe('y'.repeat(70));
  });

  it('counts wide characters as two cells when wrapping', () => {
    const lines = plain('漢字'.repeat(20), 20);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(20);
  });
});

describe('highlightLine', () => {
  const kinds = (line: string, language: string) => highlightLine(line, language).tokens.filter((t) => t.kind !== 'plain').map((t) => [t.kind, t.text]);

  it('finds keywords, strings, numbers and comments', () => {
    expect(kinds('const n = 0x1F; // hex', 'typescript')).toEqual([
      ['keyword', 'const'],
      ['number', '0x1F'],
      ['comment', '// hex'],
    ]);
    expect(kinds('fn main() { let s = "a\\"b"; }', 'rust')).toEqual([
      ['keyword', 'fn'],
      ['keyword', 'let'],
      ['string', '"a\\"b"'],
    ]);
    expect(kinds('echo "$HOME" # where', 'bash')).toEqual([
      ['keyword', 'echo'],
      ['string', '"$HOME"'],
      ['comment', '# where'],
    ]);
  });

  it('carries block comments and multi-line strings across lines', () => {
    const first = highlightLine('x = 1 /* open', 'go');
    expect(first.state).toEqual({ kind: 'block-comment' });
    const second = highlightLine('still */ return', 'go', first.state);
    expect(second.tokens[0]).toEqual({ kind: 'comment', text: 'still */' });
    expect(second.tokens.at(-1)).toEqual({ kind: 'keyword', text: 'return' });

    const doc = highlightLine('s = """doc', 'python');
    expect(doc.state).toEqual({ kind: 'string', quote: '"""' });
    expect(highlightLine('end""" if', 'python', doc.state).tokens.map((t) => t.kind)).toEqual(['string', 'plain', 'keyword']);
  });

  it('leaves unknown languages plain', () => {
    expect(highlightLine('const x', 'brainfuck').tokens).toEqual([{ kind: 'plain', text: 'const x' }]);
  });
});

describe('stableBoundary', () => {
  it('cuts after the last blank line outside a fence, so both parts render as the whole does', async () => {
    const { stableBoundary } = await import('../../src/tui/markdown.js');
    const text = '# H\n\npara one\n\n```js\nlet a;\n\nlet b;\n```\n\n- item\n- more';
    const cut = stableBoundary(text);
    expect(text.slice(cut)).toBe('- item\n- more');
    const inFence = '```js\nlet a;\n\nlet b;';
    expect(stableBoundary(inFence)).toBe(0);
    const joined = [...plain(text.slice(0, cut)), '', ...plain(text.slice(cut))];
    expect(joined).toEqual(plain(text));
  });
});

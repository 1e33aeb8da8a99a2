import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LanguageId } from '../../src/context/languages.js';
import { enclosingScopes, scopeAt } from '../../src/context/scope.js';
import { extractSymbols } from '../../src/context/symbols.js';
import type { Range, SymbolDef } from '../../src/context/types.js';

const fixture = (file: string) => readFileSync(new URL(`../../fixtures/languages/${file}`, import.meta.url), 'utf8');

function range(startIndex: number, endIndex: number): Range {
  return { startLine: 0, startColumn: startIndex, endLine: 0, endColumn: endIndex, startIndex, endIndex };
}

function definition(name: string, startIndex: number, endIndex: number): SymbolDef {
  return { name, kind: 'function', range: range(startIndex, endIndex), nameRange: range(startIndex, startIndex + 1), signature: name };
}

describe('enclosingScopes', () => {
  const outer = definition('outer', 0, 100);
  const inner = definition('inner', 10, 50);
  const innermost = definition('innermost', 20, 30);
  const sibling = definition('sibling', 60, 90);

  it('returns every definition containing the offset, outermost first, whatever the input order', () => {
    expect(enclosingScopes([innermost, sibling, outer, inner], 25).map((d) => d.name)).toEqual(['outer', 'inner', 'innermost']);
    expect(enclosingScopes([innermost, sibling, outer, inner], 70).map((d) => d.name)).toEqual(['outer', 'sibling']);
  });

  it('counts both ends as inside, so a cursor at the end of a last line is in scope', () => {
    expect(enclosingScopes([inner], 10).map((d) => d.name)).toEqual(['inner']);
    expect(enclosingScopes([inner], 50).map((d) => d.name)).toEqual(['inner']);
    expect(enclosingScopes([inner], 51)).toEqual([]);
  });

  it('does not modify its input', () => {
    const input = [innermost, outer];
    enclosingScopes(input, 25);
    expect(input).toEqual([innermost, outer]);
    expect(enclosingScopes([], 0)).toEqual([]);
  });
});

/** A point inside a method of each fixture, and the definitions around it (kind:name). */
const CASES: [language: LanguageId, file: string, cursorAfter: string, scopes: string[]][] = [
  ['python', 'python/inventory.py', 'level.quantity = min(', ['class:Inventory', 'method:receive']],
  ['typescript', 'typescript/task-queue.ts', 'this.pending.sort(', ['class:TaskQueue', 'method:add']],
  ['tsx', 'tsx/TaskList.tsx', 'if (this.state.error)', ['class:ErrorBoundary', 'method:render']],
  ['javascript', 'javascript/event-bus.js', 'this.#handlers.set(', ['class:EventBus', 'method:on']],
  ['java', 'java/OrderService.java', 'payments.charge(', ['class:OrderService', 'method:place']],
  ['java', 'java/OrderService.java', 'unitPrice.multiply(', ['class:OrderService', 'class:Line', 'method:total']],
  ['cpp', 'cpp/matrix.cpp', 'std::size_t rows() const { return ', ['namespace:linalg', 'class:Matrix', 'method:rows']],
  ['ruby', 'ruby/billing.rb', 'rate = TaxRates.', ['module:Billing', 'class:Invoice', 'method:tax']],
  ['csharp', 'csharp/ShoppingCart.cs', 'var removed = ', ['namespace:Shop.Checkout', 'class:ShoppingCart', 'method:Remove']],
  ['php', 'php/UserRepository.php', '$row = $statement->', ['class:UserRepository', 'method:find']],
  ['swift', 'swift/Playlist.swift', 'tracks.shuffle(', ['class:Playlist', 'method:shuffle']],
  // Go methods and Rust impl blocks sit outside the type they belong to; `container` names it.
  ['go', 'go/handlers.go', 'note, err := s.store.', ['method:get']],
  ['rust', 'rust/shapes.rs', '(square!(self.x', ['method:distance']],
  ['c', 'c/ring_buffer.c', 'rb->data[RB_MASK(', ['function:rb_push']],
];

describe('scopeAt on the fixtures', () => {
  for (const [language, file, cursorAfter, expected] of CASES) {
    it(`${file}: ${expected.join(' > ')}`, async () => {
      const text = fixture(file);
      const offset = text.indexOf(cursorAfter) + cursorAfter.length;
      expect(offset).toBeGreaterThanOrEqual(cursorAfter.length);
      const { scopes, innermost } = await scopeAt(language, text, offset);
      expect(scopes.map((scope) => `${scope.kind}:${scope.name}`)).toEqual(expected);
      expect(innermost).toBe(scopes.at(-1));
      // The pure function gives the same answer from the symbol list.
      expect(enclosingScopes(await extractSymbols(language, text), offset)).toEqual(scopes);
    });
  }

  it('names the owning type of Go and Rust methods through container', async () => {
    const go = await scopeAt('go', fixture('go/handlers.go'), fixture('go/handlers.go').indexOf('s.store.Get'));
    expect(go.innermost?.container).toBe('Server');
    const rust = fixture('rust/shapes.rs');
    const { innermost } = await scopeAt('rust', rust, rust.indexOf('sum += a.x'));
    expect([innermost?.name, innermost?.container]).toEqual(['area', 'Polygon']);
  });

  it('is empty between definitions', async () => {
    const text = fixture('python/inventory.py');
    const result = await scopeAt('python', text, text.indexOf('if __name__'));
    expect(result).toEqual({ scopes: [] });
  });

  it('includes a module-level constant when the cursor is in its value', async () => {
    const text = fixture('python/inventory.py');
    const { scopes } = await scopeAt('python', text, text.indexOf('Cold storage'));
    expect(scopes.map((scope) => scope.name)).toEqual(['DEFAULT_LOCATIONS']);
  });
});

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ContextAssembler } from '../../src/context/assemble.js';
import { estimateCounter } from '../../src/context/budget.js';
import { DefinitionFinder } from '../../src/context/definitions.js';
import { fimTemplateFor } from '../../src/context/fim.js';
import { createRepoFiles } from '../../src/context/repo-files.js';

const ROOT = fileURLToPath(new URL('../../fixtures/repos/shop', import.meta.url));

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [relative(ROOT, full)];
  });
}

const repo = createRepoFiles(ROOT, listFiles(ROOT));
const counter = estimateCounter();
const template = fimTemplateFor('Qwen/Qwen2.5-Coder-7B');
const cartPath = 'shop/cart.py';
const cart = readFileSync(join(ROOT, cartPath), 'utf8');
const cursor = cart.indexOf('return apply_discount(gross') + 'return apply_discount('.length;

function assembler() {
  return new ContextAssembler(DefinitionFinder.forRepo(repo));
}

describe('ContextAssembler', () => {
  it('brings the imported definition used at the cursor, with its reason', async () => {
    const result = await assembler().assemble({ path: cartPath, text: cart, offset: cursor, budgetTokens: 2048, template, counter, repoName: 'shop' });
    const definition = result.snippets.find((s) => s.kind === 'definition' && s.content.includes('def apply_discount'));
    expect(definition).toMatchObject({ path: 'shop/pricing.py', reason: expect.stringMatching(/defines apply_discount.*imported/) });
    expect(definition!.content).toContain('Return `price` reduced by `percent`');
    expect(result.snippets.some((s) => s.kind === 'import-skeleton' && s.path === 'shop/models.py')).toBe(true);
    expect(result.prefix.endsWith('return apply_discount(')).toBe(true);
    expect(result.suffix.startsWith('gross, coupon_percent)')).toBe(true);
  });

  it('lays the prompt out as the template says: context first, cursor window last', async () => {
    const result = await assembler().assemble({ path: cartPath, text: cart, offset: cursor, budgetTokens: 2048, template, counter, repoName: 'shop' });
    expect(result.template).toBe('qwen-coder');
    expect(result.prompt.indexOf('shop/pricing.py')).toBeLessThan(result.prompt.indexOf('<|fim_prefix|>'));
    expect(result.prompt.endsWith('<|fim_middle|>')).toBe(true);
    expect(result.stop.length).toBeGreaterThan(0);
  });

  it('never exceeds the budget, and reports what it dropped', async () => {
    for (const budget of [120, 300, 600, 2048]) {
      const result = await assembler().assemble({ path: cartPath, text: cart, offset: cursor, budgetTokens: budget, template, counter });
      expect(result.tokens.prompt).toBeLessThanOrEqual(budget);
      const total = result.snippets.length + result.dropped.length;
      expect(total).toBeGreaterThan(0);
      for (const dropped of result.dropped) expect(dropped.why).toMatch(/budget/);
    }
    const tight = await assembler().assemble({ path: cartPath, text: cart, offset: cursor, budgetTokens: 120, template, counter });
    expect(tight.dropped.length).toBeGreaterThan(0);
  });

  it('keeps snippets in place across keystrokes so the prompt prefix stays stable', async () => {
    const a = assembler();
    const before = cart.slice(0, cursor);
    const after = cart.slice(cursor);
    const first = await a.assemble({ path: cartPath, text: cart, offset: cursor, budgetTokens: 2048, template, counter });
    const typed = before + 'gr' + after;
    const second = await a.assemble({ path: cartPath, text: typed, offset: cursor + 2, budgetTokens: 2048, template, counter });
    const shared = first.prompt.slice(0, first.prompt.indexOf('<|fim_suffix|>'));
    expect(second.prompt.startsWith(shared)).toBe(true);
  });

  it('includes the enclosing scope header when the window starts below it', async () => {
    const long = cart.replace('        gross = sum', `${'        # padding\n'.repeat(400)}        gross = sum`);
    const offset = long.indexOf('return apply_discount(gross') + 7;
    const result = await assembler().assemble({ path: cartPath, text: long, offset, budgetTokens: 700, template, counter });
    const scope = result.snippets.find((s) => s.kind === 'scope');
    expect(scope?.content).toContain('class Cart');
    expect(scope?.content).toContain('def total(self, coupon_percent: float = 0) -> float');
  });
});

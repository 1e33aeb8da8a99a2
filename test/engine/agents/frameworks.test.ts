import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameworkError, planTests } from '../../../src/engine/agents/frameworks.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A project on disk with these files; returns its root and its file list. */
function project(files: Record<string, string>): { root: string; files: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'inline-frameworks-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return { root, files: Object.keys(files) };
}

describe('planTests', () => {
  it('detects vitest and jest from package.json, and follows the project`s test folder', () => {
    const vitest = project({ 'package.json': JSON.stringify({ devDependencies: { vitest: '4.1.0' } }), 'src/util/slug.ts': 'export {}', 'test/other.test.ts': '' });
    expect(planTests(vitest.root, vitest.files, 'src/util/slug.ts')).toMatchObject({ framework: 'vitest', testPath: 'test/util/slug.test.ts' });
    const jest = project({ 'package.json': JSON.stringify({ devDependencies: { jest: '29.0.0' } }), 'lib/parse.js': '', 'lib/__tests__/other.test.js': '' });
    expect(planTests(jest.root, jest.files, 'lib/parse.js').framework).toBe('jest');
  });

  it('detects pytest and falls back to unittest for Python', () => {
    const pytest = project({ 'pyproject.toml': '[tool.pytest.ini_options]\n', 'shop/cart.py': '', 'tests/test_other.py': '' });
    expect(planTests(pytest.root, pytest.files, 'shop/cart.py')).toMatchObject({ framework: 'pytest', testPath: 'tests/test_cart.py' });
    const plain = project({ 'shop/cart.py': '', 'tests/test_other.py': '' });
    expect(planTests(plain.root, plain.files, 'shop/cart.py')).toMatchObject({ framework: 'unittest', testPath: 'tests/test_cart.py' });
  });

  it('places Go and Rust tests the way those toolchains expect', () => {
    const go = project({ 'go.mod': 'module example.com/x\n', 'pkg/text/slug.go': 'package text\n' });
    expect(planTests(go.root, go.files, 'pkg/text/slug.go')).toMatchObject({ framework: 'go', testPath: 'pkg/text/slug_test.go' });
    const rust = project({ 'Cargo.toml': '[package]\nname = "x"\n', 'src/slug.rs': '' });
    expect(planTests(rust.root, rust.files, 'src/slug.rs').framework).toBe('cargo');
  });

  it('refuses an unknown framework name with an error the CLI turns into exit 2', () => {
    const js = project({ 'package.json': '{}', 'a.js': '' });
    expect(() => planTests(js.root, js.files, 'a.js', 'mocha')).toThrow(FrameworkError);
  });
});

/**
 * Which test framework a project uses, where it keeps its tests, and how to run one test file,
 * read from the project's own files: package.json, pyproject/setup.cfg/pytest.ini/conftest,
 * go.mod, Cargo.toml, pom.xml/build.gradle, and the test files already in the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, posix } from 'node:path';

export const FRAMEWORKS = ['vitest', 'jest', 'node-test', 'pytest', 'unittest', 'go', 'cargo', 'junit'] as const;
export type FrameworkId = (typeof FRAMEWORKS)[number];

export interface TestPlan {
  framework: FrameworkId;
  /** Repository-relative POSIX path of the test file to write. */
  testPath: string;
  /** Shell command, run from the repository root, that runs only that test file. */
  command: string;
  /** How the project writes tests, for the model. */
  conventions: string;
}

/** A framework that does not fit the file or is unknown; exit code 2 (the user's to fix). */
export class FrameworkError extends Error {
  readonly exitCode = 2 as const;
}

const JS_EXTENSIONS = new Set(['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts']);

function readText(root: string, path: string): string {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch {
    return '';
  }
}

function packageMentions(root: string, name: string): boolean {
  const text = readText(root, 'package.json');
  if (text === '') return false;
  try {
    const data = JSON.parse(text) as Record<string, Record<string, string> | undefined>;
    const deps = { ...data.dependencies, ...data.devDependencies };
    return name in deps || Object.values(data.scripts ?? {}).some((script) => new RegExp(`\\b${name}\\b`).test(script));
  } catch {
    return false;
  }
}

function detectFor(root: string, files: string[], source: string): FrameworkId {
  const ext = extname(source);
  if (JS_EXTENSIONS.has(ext)) {
    if (packageMentions(root, 'vitest')) return 'vitest';
    if (packageMentions(root, 'jest')) return 'jest';
    return 'node-test';
  }
  if (ext === '.py') {
    const pytestConfigured =
      existsSync(join(root, 'pytest.ini')) ||
      files.some((file) => basename(file) === 'conftest.py') ||
      /\[tool\.pytest|pytest/.test(readText(root, 'pyproject.toml')) ||
      /\[tool:pytest\]/.test(readText(root, 'setup.cfg')) ||
      /\bpytest\b/.test(readText(root, 'tox.ini'));
    return pytestConfigured ? 'pytest' : 'unittest';
  }
  if (ext === '.go') return 'go';
  if (ext === '.rs') return 'cargo';
  if (ext === '.java' || ext === '.kt') return 'junit';
  throw new FrameworkError(`no test framework is known for ${ext || 'files without an extension'} (${source}); pass --framework (${FRAMEWORKS.join(', ')})`);
}

function stem(path: string): string {
  return basename(path, extname(path));
}

function jsTestPath(files: string[], source: string): string {
  const tests = files.filter((file) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(file));
  const suffix = tests.length > 0 && tests.filter((f) => f.includes('.spec.')).length > tests.length / 2 ? 'spec' : 'test';
  const name = `${stem(source)}.${suffix}${extname(source)}`;
  const topDir = ['test', 'tests'].find((dir) => tests.some((file) => file.startsWith(`${dir}/`)));
  if (topDir) return posix.join(topDir, dirname(source).replace(/^src(\/|$)/, ''), name);
  if (tests.some((file) => file.includes('__tests__/'))) return posix.join(dirname(source), '__tests__', name);
  return posix.join(dirname(source), name);
}

function pythonTestPath(files: string[], source: string): string {
  const name = `test_${stem(source)}.py`;
  const topDir = ['tests', 'test'].find((dir) => files.some((file) => file.startsWith(`${dir}/`) && /(^|\/)test_[^/]*\.py$/.test(file)));
  return topDir ? posix.join(topDir, name) : posix.join(dirname(source), name);
}

function javaTestPath(source: string): string {
  const name = `${stem(source)}Test${extname(source)}`;
  const mainDir = dirname(source);
  return mainDir.includes('src/main/') ? posix.join(mainDir.replace('src/main/', 'src/test/'), name) : posix.join(mainDir, name);
}

function plan(root: string, files: string[], source: string, framework: FrameworkId): TestPlan {
  switch (framework) {
    case 'vitest':
    case 'jest':
    case 'node-test': {
      const testPath = jsTestPath(files, source);
      const runner = framework === 'vitest' ? `npx vitest run ${testPath}` : framework === 'jest' ? `npx jest ${testPath}` : `node --test ${testPath}`;
      const api = framework === 'node-test' ? "node:test (`import { test } from 'node:test'`) and node:assert/strict" : `${framework} (describe/it/expect)`;
      return { framework, testPath, command: runner, conventions: `Tests use ${api}; import the code under test with a relative path.` };
    }
    case 'pytest':
    case 'unittest': {
      const testPath = pythonTestPath(files, source);
      const command = framework === 'pytest' ? `python3 -m pytest -q ${testPath}` : `python3 -m unittest ${testPath}`;
      const api = framework === 'pytest' ? 'pytest: plain test_ functions with assert' : 'unittest: a unittest.TestCase subclass with test_ methods';
      return { framework, testPath, command, conventions: `Tests use ${api}; they run from the repository root, so import modules by their path from there.` };
    }
    case 'go': {
      const testPath = posix.join(dirname(source), `${stem(source)}_test.go`);
      return { framework, testPath, command: `go test ./${dirname(source) === '.' ? '' : `${dirname(source)}/`}`, conventions: 'Go tests: same package, func TestXxx(t *testing.T).' };
    }
    case 'cargo': {
      const name = `${stem(source)}_test`;
      return { framework, testPath: `tests/${name}.rs`, command: `cargo test --test ${name}`, conventions: 'Rust integration test in tests/: use the crate by name, #[test] functions.' };
    }
    case 'junit': {
      const testPath = javaTestPath(source);
      const className = stem(testPath);
      const command = existsSync(join(root, 'pom.xml')) ? `mvn -q test -Dtest=${className}` : `gradle test --tests ${className}`;
      return { framework, testPath, command, conventions: 'JUnit 5 tests: a class with @Test methods, in the same package as the code.' };
    }
  }
}

/** The plan for testing `source` (repository-relative), with `override` as the framework when given. */
export function planTests(root: string, files: string[], source: string, override?: string): TestPlan {
  if (override !== undefined && !(FRAMEWORKS as readonly string[]).includes(override)) {
    throw new FrameworkError(`unknown framework "${override}"; use one of ${FRAMEWORKS.join(', ')}`);
  }
  const framework = (override as FrameworkId | undefined) ?? detectFor(root, files, source);
  return plan(root, files, source, framework);
}

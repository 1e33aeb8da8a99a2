import { describe, expect, it } from 'vitest';
import { diffArgs, diffShows, parseUnifiedDiff } from '../../../src/engine/agents/review-diff.js';

const DIFF = `diff --git a/app.py b/app.py
index 1111111..2222222 100644
--- a/app.py
+++ b/app.py
@@ -3,4 +3,5 @@ def main():
     a = 1
-    b = 2
+    b = 3
+    c = 4
     return a
diff --git a/gone.py b/gone.py
deleted file mode 100644
--- a/gone.py
+++ /dev/null
@@ -1 +0,0 @@
-x = 1
diff --git a/new.py b/new.py
new file mode 100644
--- /dev/null
+++ b/new.py
@@ -0,0 +1 @@
+print("hi")
`;

describe('parseUnifiedDiff', () => {
  it('keeps added lines with their new-file numbers and the hunks ranges; deletions add nothing', () => {
    const files = parseUnifiedDiff(DIFF);
    expect(files).toEqual([
      { path: 'app.py', added: [{ line: 4, text: '    b = 3' }, { line: 5, text: '    c = 4' }], hunks: [{ start: 3, end: 7 }] },
      { path: 'new.py', added: [{ line: 1, text: 'print("hi")' }], hunks: [{ start: 1, end: 1 }] },
    ]);
    expect(diffShows(files, 'app.py', 7)).toBe(true);
    expect(diffShows(files, 'app.py', 8)).toBe(false);
    expect(diffShows(files, 'gone.py', 1)).toBe(false);
  });

  it('refuses a range git would read as an option', () => {
    expect(() => diffArgs({ kind: 'range', range: '--output=/tmp/x' })).toThrow(/not a revision range/);
    expect(diffArgs({ kind: 'range', range: 'main..HEAD' })).toContain('main..HEAD');
  });
});

/**
 * `inline review`'s local work on a large diff, before and after the model: parsing git's
 * output, the secret scan of the added lines, redacting and cutting the diff for the prompt, and
 * reading a long model reply. The model's own time is not included. Goal: a 20,000-line diff
 * costs well under a second, so the review is bound by the model.
 */
import { parseUnifiedDiff } from '../src/engine/agents/review-diff.js';
import { buildReviewMessages, modelComments, secretComments } from '../src/engine/agents/review.js';
import { printTable, measure } from './harness.js';

const FILES = 200;
const LINES_PER_FILE = 100;

function syntheticDiff(): string {
  const parts: string[] = [];
  for (let f = 0; f < FILES; f++) {
    const lines = [`diff --git a/src/module_${f}.py b/src/module_${f}.py`, `--- a/src/module_${f}.py`, `+++ b/src/module_${f}.py`, `@@ -1,3 +1,${LINES_PER_FILE + 3} @@`, ' import os', ' import sys', ' '];
    for (let i = 0; i < LINES_PER_FILE; i++) lines.push(`+def handler_${f}_${i}(request, token=None):  # value ${i * 7919}`);
    parts.push(lines.join('\n'));
  }
  return `${parts.join('\n')}\n`;
}

const text = syntheticDiff();
const files = parseUnifiedDiff(text);
if (files.reduce((n, f) => n + f.added.length, 0) !== FILES * LINES_PER_FILE) throw new Error('the synthetic diff did not parse as expected');
const diff = { source: { kind: 'staged' as const }, text, files };
const reply = Array.from({ length: 500 }, (_, i) => `src/module_${i % FILES}.py:${(i % LINES_PER_FILE) + 1}: warning: comment ${i}`).join('\n');

const rows = [
  await measure(`parse a ${FILES * LINES_PER_FILE}-line diff`, 20, () => parseUnifiedDiff(text)),
  await measure('secret-scan the added lines', 10, () => secretComments(files)),
  await measure('redact and cut for the prompt', 10, () => buildReviewMessages(diff, 96_000)),
  await measure('parse and place a 500-comment reply', 20, () => modelComments(reply, diff)),
];
printTable(`review: local work on a ${(text.length / 1024).toFixed(0)} KiB diff`, rows);

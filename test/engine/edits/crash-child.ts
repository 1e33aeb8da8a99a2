/**
 * Child process for crash.test.ts: plans the answer in argv[3] (a file) against the root in
 * argv[2], prints "ready" just before writing, and applies. The parent SIGKILLs it at a random moment.
 */
import { readFileSync } from 'node:fs';
import { applyPlan, planEdits } from '../../../src/engine/edits/index.js';

const [root, answerFile] = process.argv.slice(2);
const plan = planEdits(readFileSync(answerFile!, 'utf8'), { root: root!, format: 'whole' });
if (plan.failures.length > 0) throw new Error(plan.failures.map((failure) => failure.feedback).join('\n'));
process.stdout.write('ready\n');
const started = performance.now();
applyPlan(plan);
process.stdout.write(`done ${Math.round(performance.now() - started)}\n`);

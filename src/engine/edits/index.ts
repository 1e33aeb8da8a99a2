/**
 * The edits API, used by the chat and by `inline fix`:
 *
 *   const plan = planEdits(answer, { root, format: 'search-replace' });   // nothing written yet
 *   show(plan.files.map((file) => file.diff));                             // preview
 *   if (plan.failures.length) reply(feedbackMessage(plan.failures, okCount)); // model retries
 *   const { commit } = await applyAndCommit(plan, { summary: request, dirty: 'commit' });
 *   ...
 *   await undoLastEdit(root, { expectedHead: commit });                   // /undo
 *
 * `applyPlan` writes without git. Use `EditRetryTracker` across retries so an applied block is
 * never applied twice and a failing block is retried at most MAX_RETRIES times.
 * Formats: 'search-replace' (default), 'whole' for small models, 'udiff'. An empty SEARCH creates
 * a missing file or appends to an existing one.
 */
export { applyPlan, parseEdits, planEdits, type AppliedEdits, type PlanOptions } from './apply.js';
export { applyAndCommit, undoLastEdit, EDIT_TRAILER, type CommitOptions, type CommittedEdit, type UndoOptions, type UndoneEdit } from './git.js';
export { EditError, type EditErrorCode } from './errors.js';
export { feedbackMessage } from './feedback.js';
export { EditRetryTracker, MAX_RETRIES } from './retries.js';
export { resolveEditPath, type PathResolution } from './paths.js';
export type { WriteHooks } from './write.js';
export type * from './types.js';

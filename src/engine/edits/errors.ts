/** Errors the edits API throws; each message says what happened and what to do, for the user. */

export type EditErrorCode =
  | 'stale-plan' // a file changed between planning and applying
  | 'write-failed' // the files could not be written; nothing was changed
  | 'dirty-files' // the user's own uncommitted changes are in the way
  | 'git-failed' // a git command failed
  | 'needs-git' // undo outside a git repository
  | 'undo-refused'; // HEAD is not an edit inline can undo

export class EditError extends Error {
  readonly code: EditErrorCode;
  /** Repository-relative paths the error is about, when there are any. */
  readonly paths: string[];

  constructor(code: EditErrorCode, message: string, paths: string[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EditError';
    this.code = code;
    this.paths = paths;
  }
}

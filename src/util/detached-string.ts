/**
 * A copy of `text` that keeps nothing else alive. V8 represents a substring of 13 or more
 * characters as a slice pointing into its parent, so one identifier kept in a long-lived table
 * holds the whole file it was cut from. Round-tripping through UTF-16 bytes is exact, lone
 * surrogates included.
 */
export function detachedString(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}

/** Markdown helpers shared by the edit-format parsers: fences and the file path models write near them. */

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`]*?)\s*$/;

export interface Fence {
  marker: string;
  /** The info string after the marker: a language, a path, or both. */
  info: string;
}

/** Normalises an answer to LF lines; models on Windows-trained data often answer with CRLF. */
export function answerLines(answer: string): string[] {
  const lines = answer.replace(/\r\n?/g, '\n').split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function parseFence(line: string): Fence | undefined {
  const match = FENCE.exec(line);
  if (!match) return undefined;
  return { marker: match[2]!, info: match[3]! };
}

/** A closing fence is the same kind of marker, at least as long, with nothing after it. */
export function closesFence(line: string, open: Fence): boolean {
  const fence = parseFence(line);
  return fence !== undefined && fence.info === '' && fence.marker[0] === open.marker[0] && fence.marker.length >= open.marker.length;
}

const LANGUAGE_ONLY = /^[A-Za-z][\w+#-]*$/;

/**
 * Strips the decoration models put around a file name (`**src/a.ts**`, `# File: a.py`, `` `a.py`: ``)
 * and returns it when it still looks like a path; prose such as "Here is the change:" is rejected.
 */
export function pathFromLine(line: string): string | undefined {
  let text = line.trim();
  text = text.replace(/^#+\s*/, '').replace(/^(?:file(?:name)?|path)\s*:\s*/i, '');
  text = text.replace(/^[*_`'"]+|[*_`'"]+$/g, '').trim();
  text = text.replace(/:$/, '').replace(/^[*_`'"]+|[*_`'"]+$/g, '').trim();
  if (text === '' || text.length > 250) return undefined;
  if (/^(<{5,}|={5,}|>{5,}|`{3,}|~{3,})/.test(text)) return undefined;
  if (/\s/.test(text) && !/^[^\s].*[/\\].*\.[A-Za-z0-9]+$/.test(text)) return undefined;
  // A bare word is only a path when it is a known extension-less file name.
  if (!/[./\\]/.test(text) && !/^(Makefile|Dockerfile|Rakefile|Gemfile|Procfile|LICENSE|README)$/i.test(text)) return undefined;
  return text.replace(/\\/g, '/');
}

/** The path in a fence's info string: "```python src/a.py" or "```src/a.py". */
export function pathFromFenceInfo(info: string): string | undefined {
  const words = info.split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) return undefined;
  const candidate = words.length === 1 ? words[0]! : words[words.length - 1]!;
  if (words.length === 1 && LANGUAGE_ONLY.test(candidate) && !/\./.test(candidate)) return undefined;
  return pathFromLine(candidate);
}

/**
 * The path announced for a fence opening at `fenceIndex`: in its info string, or on the nearest
 * non-blank line above it (at most two blank lines up, so unrelated prose is not picked up).
 */
export function pathBeforeFence(lines: string[], fenceIndex: number): string | undefined {
  const fence = parseFence(lines[fenceIndex] ?? '');
  if (fence) {
    const inInfo = pathFromFenceInfo(fence.info);
    if (inInfo) return inInfo;
  }
  for (let i = fenceIndex - 1; i >= 0 && i >= fenceIndex - 3; i--) {
    if (lines[i]!.trim() === '') continue;
    return pathFromLine(lines[i]!);
  }
  return undefined;
}

/** Joins block lines back into text that ends with a newline unless empty. */
export function joinBlockLines(lines: string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

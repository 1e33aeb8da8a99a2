/**
 * Edit previews. The diff itself goes into scrollback (it can be long, and the user may want to
 * scroll through it); only the short y/n question lives in the re-rendered region.
 */
import React from 'react';
import { Box, Text, useInput } from 'ink';
import { palette, type Paint, type Palette } from './ansi.js';
import { hardWrapSpans } from './wrap.js';

function linePaint(line: string, colors: Palette): Paint {
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff ') || line.startsWith('index ')) return colors.bold;
  if (line.startsWith('@@')) return colors.cyan;
  if (line.startsWith('+')) return colors.green;
  if (line.startsWith('-')) return colors.red;
  return (s) => s;
}

/** Colours a unified diff line by line and wraps it to the width. */
export function renderDiff(diff: string, options: { width: number; color: boolean }): string[] {
  const colors = palette(options.color);
  const lines = diff.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  return lines.flatMap((line) => hardWrapSpans([{ text: line.replace(/\t/g, '    '), paint: linePaint(line, colors) }], options.width));
}

export function diffStats(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+') && !line.startsWith('+++')) added++;
    else if (line.startsWith('-') && !line.startsWith('---')) removed++;
  }
  return { added, removed };
}

export interface DiffViewProps {
  diff: string;
  files: string[];
  width: number;
  color: boolean;
}

export function DiffView({ diff, files, width, color }: DiffViewProps): React.JSX.Element {
  const { added, removed } = diffStats(diff);
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text bold>
        Proposed edit to {files.join(', ')} <Text color="green">+{added}</Text> <Text color="red">-{removed}</Text>
      </Text>
      <Text>{renderDiff(diff, { width, color }).join('\n')}</Text>
    </Box>
  );
}

export interface EditConfirmProps {
  files: string[];
  onAnswer(accepted: boolean): void;
}

/** y or Enter applies, n or Escape discards. */
export function EditConfirm({ files, onAnswer }: EditConfirmProps): React.JSX.Element {
  useInput((input, key) => {
    if (key.ctrl) return;
    const answer = input.toLowerCase();
    if (answer === 'y' || key.return) onAnswer(true);
    else if (answer === 'n' || key.escape) onAnswer(false);
  });
  return (
    <Text>
      <Text color="yellow">?</Text> Apply the edit to {files.length === 1 ? files[0] : `${files.length} files`}?{' '}
      <Text bold>[y/n]</Text>
    </Text>
  );
}

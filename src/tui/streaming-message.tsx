/**
 * The answer being written. It lives in the re-rendered region, so it shows only as many trailing
 * lines as fit: if the region grew to the terminal's height, Ink would clear the whole screen on the
 * next frame. The full text goes into scrollback once the answer is done.
 */
import React, { useMemo, useRef } from 'react';
import { Box, Text } from 'ink';
import { renderMarkdown, stableBoundary } from './markdown.js';

export interface StreamingMessageProps {
  text: string;
  width: number;
  color: boolean;
  /** Rows available, including the one used to say that earlier lines are hidden. */
  maxRows: number;
}

/** The rows shown for a text: the tail that fits, preceded by a note about what is above. */
export function visibleTail(lines: string[], maxRows: number): { hidden: number; shown: string[] } {
  if (lines.length <= maxRows) return { hidden: 0, shown: lines };
  const keep = Math.max(1, maxRows - 1);
  return { hidden: lines.length - keep, shown: lines.slice(lines.length - keep) };
}

interface RenderedPrefix {
  source: string;
  width: number;
  color: boolean;
  lines: string[];
}

/**
 * Renders the text, reusing the lines of its finished blocks: while an answer streams only its last
 * paragraph changes, so each frame costs the size of that paragraph rather than the whole answer.
 */
function useIncrementalMarkdown(text: string, width: number, color: boolean): string[] {
  const cache = useRef<RenderedPrefix | undefined>(undefined);
  return useMemo(() => {
    const cut = stableBoundary(text);
    const prefix = text.slice(0, cut);
    let cached = cache.current;
    if (cached === undefined || cached.source !== prefix || cached.width !== width || cached.color !== color) {
      cached = { source: prefix, width, color, lines: renderMarkdown(prefix, { width, color }) };
      cache.current = cached;
    }
    const tail = renderMarkdown(text.slice(cut), { width, color });
    if (cached.lines.length === 0) return tail;
    if (tail.length === 0) return cached.lines;
    return [...cached.lines, '', ...tail];
  }, [text, width, color]);
}

function StreamingMessageView({ text, width, color, maxRows }: StreamingMessageProps): React.JSX.Element {
  const lines = useIncrementalMarkdown(text, width, color);
  const { hidden, shown } = visibleTail(lines, maxRows);
  return (
    <Box flexDirection="column">
      {hidden > 0 ? <Text dimColor>{`  ⋮ ${hidden} line${hidden === 1 ? '' : 's'} above, in full when the answer is done`}</Text> : null}
      <Text>{shown.join('\n')}</Text>
    </Box>
  );
}

export const StreamingMessage = React.memo(StreamingMessageView);

/**
 * Finished messages, rendered through Ink's <Static>: each entry is written once, above the live
 * region, and then belongs to the terminal's scrollback. Nothing here is ever redrawn.
 */
import React from 'react';
import { Box, Static, Text } from 'ink';
import type { HistoryEntry } from './history.js';
import { renderMarkdown } from './markdown.js';
import { NoEngineScreen } from './no-engine.js';
import { DiffView } from './diff-view.js';

export interface StaticHistoryProps {
  entries: HistoryEntry[];
  width: number;
  color: boolean;
}

function HistoryItem({ item, width, color }: { item: HistoryEntry; width: number; color: boolean }): React.JSX.Element {
  switch (item.kind) {
    case 'no-engine':
      return <NoEngineScreen />;
    case 'user':
      return (
        <Box marginBottom={1}>
          <Text color="blue" bold>
            {'› '}
          </Text>
          <Text>{item.text}</Text>
        </Box>
      );
    case 'assistant':
      return (
        <Box flexDirection="column" marginBottom={1}>
          <Text>{renderMarkdown(item.text, { width, color }).join('\n')}</Text>
          {item.interrupted === true ? <Text dimColor>(cancelled)</Text> : null}
        </Box>
      );
    case 'notice':
      return <Text dimColor>{item.text}</Text>;
    case 'error':
      return <Text color="red">{`Error: ${item.text}`}</Text>;
    case 'edit':
      return <DiffView diff={item.diff} files={item.files} width={width} color={color} />;
  }
}

export function StaticHistory({ entries, width, color }: StaticHistoryProps): React.JSX.Element {
  return <Static items={entries}>{(item) => <HistoryItem key={item.id} item={item} width={width} color={color} />}</Static>;
}

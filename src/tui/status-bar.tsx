/** One line at the bottom: model, engine, context used of the window, files in the chat. */
import React from 'react';
import { Text } from 'ink';
import type { ChatUsage, StatusInfo } from './controller.js';

export function formatTokens(tokens: number): string {
  if (tokens < 1000) return String(tokens);
  if (tokens < 10_000) return `${(tokens / 1000).toFixed(1)}k`;
  return `${Math.round(tokens / 1000)}k`;
}

export function contextSummary(used: number, window: number): string {
  if (window <= 0) return `${formatTokens(used)} tokens`;
  const percent = Math.round((used / window) * 100);
  return `${formatTokens(used)}/${formatTokens(window)} tokens (${percent}%)`;
}

export function filesSummary(files: string[]): string {
  if (files.length === 0) return 'no files';
  const shown = files.slice(0, 3).join(', ');
  return files.length > 3 ? `${shown} +${files.length - 3} more` : shown;
}

export interface StatusBarProps {
  status: StatusInfo;
  lastUsage?: ChatUsage;
}

function StatusBarView({ status, lastUsage }: StatusBarProps): React.JSX.Element {
  const window = status.windowTokens;
  const nearlyFull = window > 0 && status.contextTokens / window > 0.9;
  return (
    <Text wrap="truncate-end" dimColor>
      <Text color="green">{status.model === '' ? 'no model' : status.model}</Text>
      {' · '}
      {status.engine}
      {' · '}
      <Text color={nearlyFull ? 'red' : undefined}>{contextSummary(status.contextTokens, window)}</Text>
      {' · '}
      {filesSummary(status.files)}
      {lastUsage !== undefined ? ` · last reply ${formatTokens(lastUsage.completionTokens)} tokens` : ''}
    </Text>
  );
}

export const StatusBar = React.memo(StatusBarView);

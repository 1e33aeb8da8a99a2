/** A small spinner for the wait before the first token; it alone re-renders on its timer. */
import React, { useEffect, useState } from 'react';
import { Text } from 'ink';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
export const SPINNER_INTERVAL_MS = 80;

export interface SpinnerProps {
  label: string;
}

export function Spinner({ label }: SpinnerProps): React.JSX.Element {
  const [started] = useState(() => Date.now());
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setFrame((f) => (f + 1) % FRAMES.length), SPINNER_INTERVAL_MS);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.floor((Date.now() - started) / 1000);
  return (
    <Text>
      <Text color="cyan">{FRAMES[frame]}</Text> {label}
      {seconds > 0 ? <Text dimColor> {seconds}s · Ctrl-C to cancel</Text> : null}
    </Text>
  );
}

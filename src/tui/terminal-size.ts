/** The output's size, kept current on resize. `rows` is undefined when the output is not a terminal. */
import { useEffect, useState } from 'react';

interface SizedStream {
  columns?: number;
  rows?: number;
  on(event: 'resize', listener: () => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
}

export interface TerminalSize {
  columns: number;
  rows: number | undefined;
}

const DEFAULT_COLUMNS = 80;

function measure(stream: SizedStream): TerminalSize {
  return { columns: stream.columns || DEFAULT_COLUMNS, rows: stream.rows || undefined };
}

export function useTerminalSize(stream: SizedStream): TerminalSize {
  const [size, setSize] = useState(() => measure(stream));
  useEffect(() => {
    const onResize = (): void => setSize(measure(stream));
    stream.on('resize', onResize);
    return () => {
      stream.off('resize', onResize);
    };
  }, [stream]);
  return size;
}

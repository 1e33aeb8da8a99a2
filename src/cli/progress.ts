/**
 * A one-line progress bar on stderr, redrawn in place at most ten times a second, and only on a
 * terminal: piped or redirected output stays clean.
 */
export interface ProgressBar {
  update(label: string, done: number, total: number): void;
  done(): void;
}

const WIDTH = 24;

export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let drawn = false;
  return {
    update(label, done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const share = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(share * WIDTH);
      stream.write(`\r\u001b[2K${label.padEnd(10)} ${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)} ${done}/${total}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\u001b[2K');
    },
  };
}

/**
 * Drives one chat: sends submissions to the controller, consumes its events, and keeps the state the
 * view shows: the transcript (static), the streaming text (throttled), and what the app is doing.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChatController, ChatEvent, ChatUsage } from './controller.js';
import { DeltaBuffer } from './delta-buffer.js';
import { entry, type HistoryEntry, type NewHistoryEntry } from './history.js';

export type Phase = { kind: 'idle' } | { kind: 'waiting' } | { kind: 'streaming' } | { kind: 'confirm'; files: string[] };

export interface ChatSession {
  entries: HistoryEntry[];
  streamText: string;
  phase: Phase;
  lastUsage: ChatUsage | undefined;
  busy: boolean;
  submit(text: string): void;
  /** Stops the running reply; returns false when nothing was running. */
  cancel(): boolean;
  answerEdit(accepted: boolean): void;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function useChatSession(controller: ChatController): ChatSession {
  const [entries, setEntries] = useState<HistoryEntry[]>(() =>
    controller.info().chatAvailable ? [] : [entry({ kind: 'no-engine' })],
  );
  const [streamText, setStreamText] = useState('');
  const [phase, setPhaseState] = useState<Phase>({ kind: 'idle' });
  const [lastUsage, setLastUsage] = useState<ChatUsage | undefined>(undefined);
  const phaseRef = useRef<Phase>(phase);
  const bufferRef = useRef<DeltaBuffer | null>(null);
  bufferRef.current ??= new DeltaBuffer(setStreamText);
  /** Identifies the running submission; 0 when idle. A cancelled run sees a different value and stops. */
  const runRef = useRef(0);
  const runCounter = useRef(0);
  const iteratorRef = useRef<AsyncIterator<ChatEvent> | undefined>(undefined);

  useEffect(() => () => bufferRef.current?.dispose(), []);

  const setPhase = useCallback((next: Phase) => {
    phaseRef.current = next;
    setPhaseState(next);
  }, []);

  const append = useCallback((...items: NewHistoryEntry[]) => {
    setEntries((previous) => [...previous, ...items.map(entry)]);
  }, []);

  /** Moves the text streamed so far into the transcript, so whatever comes next prints below it. */
  const settleStream = useCallback(
    (interrupted: boolean) => {
      const buffer = bufferRef.current!;
      const text = buffer.text;
      buffer.reset();
      setStreamText('');
      if (text.trim() !== '') append({ kind: 'assistant', text, interrupted });
    },
    [append],
  );

  const handleEvent = useCallback(
    (event: ChatEvent) => {
      switch (event.type) {
        case 'delta':
          bufferRef.current!.push(event.text);
          if (phaseRef.current.kind !== 'streaming') setPhase({ kind: 'streaming' });
          return;
        case 'notice':
          settleStream(false);
          append({ kind: 'notice', text: event.text });
          return;
        case 'edit-preview':
          settleStream(false);
          append({ kind: 'edit', diff: event.diff, files: event.files });
          setPhase({ kind: 'confirm', files: event.files });
          return;
        case 'error':
          settleStream(false);
          append({ kind: 'error', text: event.message });
          return;
        case 'done':
          if (event.usage !== undefined) setLastUsage(event.usage);
          return;
      }
    },
    [append, setPhase, settleStream],
  );

  const run = useCallback(
    async (text: string) => {
      runCounter.current += 1;
      const id = runCounter.current;
      runRef.current = id;
      setPhase({ kind: 'waiting' });
      try {
        const iterator = controller.submit(text)[Symbol.asyncIterator]();
        iteratorRef.current = iterator;
        for (;;) {
          const step = await iterator.next();
          if (runRef.current !== id) return;
          if (step.done === true) break;
          handleEvent(step.value);
        }
      } catch (error) {
        if (runRef.current !== id) return;
        settleStream(false);
        append({ kind: 'error', text: describe(error) });
      }
      if (runRef.current !== id) return;
      settleStream(false);
      runRef.current = 0;
      iteratorRef.current = undefined;
      setPhase({ kind: 'idle' });
    },
    [append, controller, handleEvent, setPhase, settleStream],
  );

  const submit = useCallback(
    (text: string) => {
      if (runRef.current !== 0) return;
      append({ kind: 'user', text });
      void run(text);
    },
    [append, run],
  );

  const cancel = useCallback((): boolean => {
    if (runRef.current === 0) return false;
    runRef.current = 0;
    if (phaseRef.current.kind === 'confirm') controller.confirmEdit?.(false);
    controller.cancel();
    // Closing the iterator lets a well-behaved generator run its finally blocks; the view does not wait.
    iteratorRef.current?.return?.().catch(() => undefined);
    iteratorRef.current = undefined;
    settleStream(true);
    append({ kind: 'notice', text: 'Cancelled. Press Ctrl-C again to exit.' });
    setPhase({ kind: 'idle' });
    return true;
  }, [append, controller, setPhase, settleStream]);

  const answerEdit = useCallback(
    (accepted: boolean) => {
      if (phaseRef.current.kind !== 'confirm') return;
      append({ kind: 'notice', text: accepted ? 'Edit accepted.' : 'Edit discarded.' });
      setPhase({ kind: 'waiting' });
      controller.confirmEdit?.(accepted);
    },
    [append, controller, setPhase],
  );

  return { entries, streamText, phase, lastUsage, busy: phase.kind !== 'idle', submit, cancel, answerEdit };
}

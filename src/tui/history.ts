/** What the transcript holds. Entries are immutable once added: they are printed once, into scrollback. */

export type HistoryEntry =
  | { id: number; kind: 'no-engine' }
  | { id: number; kind: 'user'; text: string }
  | { id: number; kind: 'assistant'; text: string; interrupted?: boolean }
  | { id: number; kind: 'notice'; text: string }
  | { id: number; kind: 'error'; text: string }
  | { id: number; kind: 'edit'; diff: string; files: string[] };

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
export type NewHistoryEntry = WithoutId<HistoryEntry>;

let nextId = 0;

export function entry(value: NewHistoryEntry): HistoryEntry {
  nextId += 1;
  return { ...value, id: nextId } as HistoryEntry;
}

/**
 * The repository map of a chat (Aider's idea): skeletons of the files most related to the files
 * in the chat, so the model knows the signatures it may call without reading whole files.
 * Relatedness comes from imports resolved by the context engine: files the chat files import,
 * files that import the chat files, and files the user names in the message.
 */
import { fitToTokens, type TokenCounter } from '../../context/budget.js';
import type { ImportResolver } from '../../context/imports.js';
import { languageForPath } from '../../context/languages.js';
import type { RepoFiles } from '../../context/repo-files.js';
import { skeleton } from '../../context/skeleton.js';

export interface RankedFile {
  path: string;
  score: number;
  reasons: string[];
}

export interface MapEntry {
  path: string;
  reason: string;
  tokens: number;
  text: string;
}

/** Importers are looked for in at most this many files: parsing each costs a few milliseconds. */
const MAX_SCANNED_FILES = 1500;
const MAX_SCANNED_CHARS = 200_000;
const WEIGHT = { importedByChat: 3, importsChat: 2, named: 4, namedStem: 1 } as const;

function note(ranked: Map<string, RankedFile>, path: string, score: number, reason: string): void {
  const entry = ranked.get(path) ?? { path, score: 0, reasons: [] };
  entry.score += score;
  if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
  ranked.set(path, entry);
}

function stem(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.indexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Files other than the chat files, best first, with why each was chosen. */
export async function rankRelatedFiles(repo: RepoFiles, resolver: ImportResolver, chatFiles: string[], message = ''): Promise<RankedFile[]> {
  const chat = new Set(chatFiles);
  const ranked = new Map<string, RankedFile>();
  for (const path of chatFiles) {
    const text = repo.read(path);
    if (text === undefined) continue;
    for (const resolved of await resolver.resolveFile(path, text)) {
      for (const target of resolved.files.slice(0, 1)) if (!chat.has(target)) note(ranked, target, WEIGHT.importedByChat, `imported by ${path}`);
    }
  }
  if (chat.size > 0) {
    const chatLanguages = new Set(chatFiles.map((p) => languageForPath(p)).filter(Boolean));
    let scanned = 0;
    for (const path of [...repo.files].sort()) {
      if (chat.has(path) || scanned >= MAX_SCANNED_FILES) continue;
      const language = languageForPath(path);
      if (!language || !chatLanguages.has(language)) continue;
      const text = repo.read(path);
      if (text === undefined || text.length > MAX_SCANNED_CHARS) continue;
      scanned++;
      for (const resolved of await resolver.resolveFile(path, text)) {
        const target = resolved.files.find((file) => chat.has(file));
        if (target) note(ranked, path, WEIGHT.importsChat, `imports ${target}`);
      }
    }
  }
  const words = new Set(message.split(/[^\w./-]+/).filter((w) => w.length > 2));
  if (words.size > 0) {
    for (const path of repo.files) {
      if (chat.has(path) || !languageForPath(path)) continue;
      if (words.has(path)) note(ranked, path, WEIGHT.named, 'named in the message');
      else if (words.has(stem(path)) && stem(path).length > 3) note(ranked, path, WEIGHT.namedStem, 'its name is in the message');
    }
  }
  return [...ranked.values()].sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
}

/** Skeletons of the ranked files, best first, until `budgetTokens` is spent. */
export async function buildRepoMap(repo: RepoFiles, ranked: RankedFile[], budgetTokens: number, counter: TokenCounter): Promise<MapEntry[]> {
  const entries: MapEntry[] = [];
  let left = budgetTokens;
  for (const file of ranked) {
    if (left < 32) break;
    const language = languageForPath(file.path);
    const text = repo.read(file.path);
    if (!language || text === undefined) continue;
    let shape: string;
    try {
      shape = (await skeleton(language, text)).text.trim();
    } catch {
      // A file the parser cannot handle is left out of the map rather than failing the turn.
      continue;
    }
    if (shape === '') continue;
    const block = `${file.path}\n\`\`\`\n${shape}\n\`\`\``;
    let tokens = counter.count(block);
    let body = block;
    if (tokens > left) {
      // Only the best file is worth cutting down; later ones are skipped for the next.
      if (entries.length > 0) continue;
      body = `${file.path}\n\`\`\`\n${fitToTokens(shape, left - 16, counter, 'start')}\n\`\`\``;
      tokens = counter.count(body);
    }
    entries.push({ path: file.path, reason: file.reasons.join('; '), tokens, text: body });
    left -= tokens;
  }
  return entries;
}

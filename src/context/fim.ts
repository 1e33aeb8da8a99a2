/**
 * Fill-in-the-middle prompt templates, one per code-model family, for servers that take a raw
 * prompt (/v1/completions), plus the request body for llama.cpp's /infill, which formats the
 * prompt itself from the model's own FIM tokens.
 *
 * Every layout is prefix-stable: slow-changing material first (repository name, the other files in
 * the caller's order, the current file's path), then the current file's prefix, then whatever the
 * family needs after it. Two keystrokes in a row therefore produce prompts that agree up to the
 * cursor, which is what a server's prompt cache (llama.cpp cache_prompt, vLLM prefix caching)
 * reuses. Codestral is the exception, because Mistral put the suffix first (see its template).
 *
 * File contents are untrusted: a file that literally contains `<|fim_middle|>` must not end the
 * prefix early, so every piece of input is passed through the family's guard before it is laid
 * out (see neutralise()).
 */
import { detectModelFamily, type ModelFamily } from './model-family.js';
import { LANGUAGES, languageForPath } from './languages.js';

export interface FimFile {
  path: string;
  content: string;
}

export interface FimInput {
  prefix: string;
  suffix: string;
  path?: string;
  repoName?: string;
  /** Cross-file context, slow-changing material first: it is laid out in this order. */
  extraFiles?: FimFile[];
}

export interface FimTemplate {
  id: string;
  /**
   * Builds the whole prompt string for /v1/completions. Layout is prefix-stable: extra files
   * (in the given order) first, then the current file's prefix, and the suffix in the place the
   * family requires.
   */
  build(input: FimInput): string;
  /** Stop sequences that end the middle (end-of-text and file-separator tokens etc.). */
  stop: string[];
  /** Every special token the template emits. */
  specialTokens: string[];
  /** Whether the family has a repository-level format with file separators. */
  repoLevel: boolean;
}

export interface LlamaCppInfillRequest {
  input_prefix: string;
  input_suffix: string;
  input_extra: { filename: string; text: string }[];
  prompt: string;
  n_predict: number;
  stop?: string[];
}

/**
 * Look-alikes for the first character of a control token: U+2039 for `<` and U+FF3B for `[`.
 * No tokenizer of these families has a control token starting with either, the text still reads
 * the same to the model, and the change is local, so a guarded prefix stays prefix-stable (unless
 * the keystroke itself completes a control token, which then changes the few characters before it).
 */
const LOOKALIKE: Readonly<Record<string, string>> = { '<': '\u2039', '[': '\uFF3B' };

function neutraliser(pattern: RegExp): (text: string) => string {
  return (text) => text.replace(pattern, (token) => (LOOKALIKE[token[0]!] ?? '') + token.slice(1));
}

// Patterns cover each family's published control-token set, not only the tokens we emit: an
// end-of-text or chat token inside a file would derail generation just as well.
const GUARDS = {
  // <|...|> is the ChatML/Qwen/CodeGemma style, which ordinary code hardly ever contains.
  pipes: /<\|[A-Za-z0-9_]{1,40}\|>/g,
  starcoder:
    /<\|endoftext\|>|<(?:fim_(?:prefix|suffix|middle|pad)|file_sep|repo_name|reponame|filename|gh_stars|empty_output|(?:issue|jupyter|commit)_[a-z]+|code_to_intermediate|intermediate_to_code|pr(?:_[a-z_]+)?)>/g,
  // DeepSeek's tokens use U+FF5C bars and U+2581 for spaces; <|EOT|> ends its instruct turns.
  deepseek: /<\uFF5C[^\uFF5C\n]{1,40}\uFF5C>|<\|EOT\|>/g,
  // <s> is also HTML's strikethrough: the model sees ‹s> there, the price of keeping BOS/EOS out.
  codellama: /<(?:PRE|SUF|MID|EOT|s|\/s|unk)>/g,
  codestral: /\[(?:PREFIX|SUFFIX|MIDDLE|\/?INST|\/?AVAILABLE_TOOLS|\/?TOOL_RESULTS|TOOL_CALLS)\]|<(?:s|\/s|unk)>/g,
  codegemma: /<\|[A-Za-z0-9_]{1,40}\|>|<(?:bos|eos|pad|unk|mask|start_of_turn|end_of_turn)>/g,
} as const;

interface Guarded {
  prefix: string;
  suffix: string;
  path: string | undefined;
  repoName: string | undefined;
  files: FimFile[];
}

function neutralise(input: FimInput, clean: (text: string) => string): Guarded {
  return {
    prefix: clean(input.prefix),
    suffix: clean(input.suffix),
    path: input.path === undefined ? undefined : clean(input.path),
    repoName: input.repoName === undefined ? undefined : clean(input.repoName),
    files: (input.extraFiles ?? []).map((file) => ({ path: clean(file.path), content: clean(file.content) })),
  };
}

/** Any metadata at all switches a repo-level family to its repository layout. */
function hasContext(input: Guarded): boolean {
  return input.files.length > 0 || input.repoName !== undefined || input.path !== undefined;
}

function withNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

// Languages the parser does not know still deserve their own comment marker in prompts.
const OTHER_LINE_COMMENTS: Readonly<Record<string, string>> = {
  sh: '#', bash: '#', zsh: '#', fish: '#', yaml: '#', yml: '#', toml: '#', r: '#', pl: '#', ex: '#', exs: '#', nim: '#',
  sql: '--', lua: '--', hs: '--', elm: '--', kt: '//', kts: '//', scala: '//', dart: '//', zig: '//', vue: '//', svelte: '//',
};

function lineCommentFor(path: string | undefined): string {
  if (path === undefined) return '//';
  const language = languageForPath(path);
  if (language) return LANGUAGES[language].lineComment;
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return (dot > 0 && OTHER_LINE_COMMENTS[base.slice(dot + 1).toLowerCase()]) || '//';
}

/**
 * For families without a repository format: other files become line comments in the current
 * file's comment syntax, so what the model continues still looks like one source file.
 */
function commentedContext(input: Guarded): string {
  const c = lineCommentFor(input.path);
  let out = '';
  for (const file of input.files) {
    out += `${c} Path: ${file.path}\n`;
    const lines = file.content.split('\n');
    if (lines.at(-1) === '') lines.pop();
    for (const line of lines) out += line === '' ? `${c}\n` : `${c} ${line}\n`;
  }
  if (input.path !== undefined) out += `${c} Path: ${input.path}\n`;
  return out;
}

interface Definition {
  id: string;
  stop: string[];
  specialTokens: string[];
  repoLevel: boolean;
  guard: RegExp;
  layout(input: Guarded): string;
}

function define(definition: Definition): FimTemplate {
  const clean = neutraliser(definition.guard);
  return {
    id: definition.id,
    stop: definition.stop,
    specialTokens: definition.specialTokens,
    repoLevel: definition.repoLevel,
    build: (input) => definition.layout(neutralise(input, clean)),
  };
}

/**
 * StarCoder2 (arXiv 2402.19173 §5): files of a repository are joined as
 * `<repo_name>repo<file_sep>path\ncode<file_sep>...`, and the FIM file is
 * `<file_sep><fim_prefix>path\nprefix<fim_suffix>suffix<fim_middle>` — the path sits after
 * <fim_prefix>, which is how the paper shows it. StarCoder1 had one file per document with
 * `<filename>` metadata and no <file_sep> token; both generations share the FIM tokens, so a
 * StarCoder1 model is better served by the 'starcoder-fim' template (select it by override).
 */
const STARCODER = define({
  id: 'starcoder',
  stop: ['<|endoftext|>', '<file_sep>', '<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<fim_pad>', '<repo_name>'],
  specialTokens: ['<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<file_sep>', '<repo_name>'],
  repoLevel: true,
  guard: GUARDS.starcoder,
  layout(input) {
    const fim = `<fim_prefix>${input.path === undefined ? '' : `${input.path}\n`}${input.prefix}<fim_suffix>${input.suffix}<fim_middle>`;
    if (!hasContext(input)) return fim;
    let out = input.repoName === undefined ? '' : `<repo_name>${input.repoName}`;
    for (const file of input.files) out += `<file_sep>${file.path}\n${file.content}`;
    return `${out}<file_sep>${fim}`;
  },
});

/**
 * StarCoder's FIM tokens without the repository layout, for StarCoder1-vocabulary models
 * (Granite Code, Stable Code) whose tokenizers have no <file_sep>: other files go in as comments.
 */
const STARCODER_FIM = define({
  id: 'starcoder-fim',
  stop: ['<|endoftext|>', '<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<fim_pad>', '<filename>', '<file_sep>'],
  specialTokens: ['<fim_prefix>', '<fim_suffix>', '<fim_middle>'],
  repoLevel: false,
  guard: GUARDS.starcoder,
  layout: (input) => `<fim_prefix>${commentedContext(input)}${input.prefix}<fim_suffix>${input.suffix}<fim_middle>`,
});

/**
 * Qwen2.5-Coder (QwenLM/Qwen2.5-Coder README "file-level" and "repository-level" completion, and
 * the technical report arXiv 2409.12186): `<|repo_name|>repo\n<|file_sep|>path\ncontent\n...`,
 * then `<|file_sep|>path\n<|fim_prefix|>prefix<|fim_suffix|>suffix<|fim_middle|>`.
 */
const QWEN = define({
  id: 'qwen-coder',
  stop: ['<|endoftext|>', '<|file_sep|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|fim_pad|>', '<|repo_name|>', '<|im_start|>', '<|im_end|>'],
  specialTokens: ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|file_sep|>', '<|repo_name|>'],
  repoLevel: true,
  guard: GUARDS.pipes,
  layout(input) {
    const fim = `<|fim_prefix|>${input.prefix}<|fim_suffix|>${input.suffix}<|fim_middle|>`;
    if (!hasContext(input)) return fim;
    let out = input.repoName === undefined ? '' : `<|repo_name|>${input.repoName}\n`;
    for (const file of input.files) out += `<|file_sep|>${file.path}\n${file.content}\n`;
    return `${out}<|file_sep|>${input.path === undefined ? '' : `${input.path}\n`}${fim}`;
  },
});

/**
 * DeepSeek-Coder (deepseek-ai/DeepSeek-Coder README): `<｜fim▁begin｜>prefix<｜fim▁hole｜>suffix<｜fim▁end｜>`.
 * Its repository-level example joins files as `#path\ncode`, with no separator token. Training
 * applied FIM to whole concatenated documents, so the other files belong inside the FIM prefix.
 */
const DEEPSEEK = define({
  id: 'deepseek-coder',
  stop: ['<\uFF5Cend\u2581of\u2581sentence\uFF5C>', '<\uFF5Cfim\u2581begin\uFF5C>', '<\uFF5Cfim\u2581hole\uFF5C>', '<\uFF5Cfim\u2581end\uFF5C>', '<|EOT|>'],
  specialTokens: ['<\uFF5Cfim\u2581begin\uFF5C>', '<\uFF5Cfim\u2581hole\uFF5C>', '<\uFF5Cfim\u2581end\uFF5C>'],
  repoLevel: false,
  guard: GUARDS.deepseek,
  layout(input) {
    let context = '';
    for (const file of input.files) context += `#${file.path}\n${withNewline(file.content)}\n`;
    // A lone file keeps the README's file-level layout; the path header only separates files.
    if (input.path !== undefined && input.files.length > 0) context += `#${input.path}\n`;
    return `<\uFF5Cfim\u2581begin\uFF5C>${context}${input.prefix}<\uFF5Cfim\u2581hole\uFF5C>${input.suffix}<\uFF5Cfim\u2581end\uFF5C>`;
  },
});

/**
 * Code Llama (meta-llama/codellama generation.py; the same string Ollama's template uses):
 * `<PRE> prefix <SUF>suffix <MID>`. The spaces stand for SentencePiece's word markers: the
 * vocabulary entries are ▁<PRE>, ▁<SUF>, ▁<MID>, ▁<EOT>. Servers that match special tokens on raw
 * text do not always map these strings to the tokens; llamaCppInfill() avoids the question.
 */
const CODELLAMA = define({
  id: 'codellama',
  stop: ['<EOT>'],
  specialTokens: ['<PRE>', '<SUF>', '<MID>'],
  repoLevel: false,
  guard: GUARDS.codellama,
  layout: (input) => `<PRE> ${commentedContext(input)}${input.prefix} <SUF>${input.suffix} <MID>`,
});

/**
 * Codestral (mistral-common encode_fim; Mistral cookbook, tokenizer V3): `[SUFFIX]suffix[PREFIX]prefix`.
 * Suffix first, so only the first few characters survive a change of suffix in the prompt
 * cache, and other files (as comments) come after the suffix. Typing at the end of a line leaves
 * the suffix alone and stays cache-friendly; moving the cursor does not.
 */
const CODESTRAL = define({
  id: 'codestral',
  stop: ['</s>', '[PREFIX]', '[SUFFIX]', '[MIDDLE]'],
  specialTokens: ['[SUFFIX]', '[PREFIX]'],
  repoLevel: false,
  guard: GUARDS.codestral,
  layout: (input) => `[SUFFIX]${input.suffix}[PREFIX]${commentedContext(input)}${input.prefix}`,
});

/**
 * CodeGemma (model card; ai.google.dev "CodeGemma prompt structure"; technical report
 * arXiv 2406.11409 Figure 2): `<|fim_prefix|>prefix<|fim_suffix|>suffix<|fim_middle|>`, files
 * packed as `path\ncode<|file_separator|>path\n<|fim_prefix|>...`. It has no repository-name token.
 */
const CODEGEMMA = define({
  id: 'codegemma',
  stop: ['<|file_separator|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<eos>'],
  specialTokens: ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|file_separator|>'],
  repoLevel: true,
  guard: GUARDS.codegemma,
  layout(input) {
    let out = '';
    for (const file of input.files) out += `${file.path}\n${withNewline(file.content)}<|file_separator|>`;
    if (input.path !== undefined) out += `${input.path}\n`;
    return `${out}<|fim_prefix|>${input.prefix}<|fim_suffix|>${input.suffix}<|fim_middle|>`;
  },
});

/** For models without FIM: plain continuation of the prefix; the suffix is not sent. */
const PLAIN = define({
  id: 'plain',
  stop: [],
  specialTokens: [],
  repoLevel: false,
  guard: GUARDS.pipes,
  layout: (input) => `${commentedContext(input)}${input.prefix}`,
});

const TEMPLATES: ReadonlyMap<string, FimTemplate> = new Map(
  [STARCODER, STARCODER_FIM, QWEN, DEEPSEEK, CODELLAMA, CODESTRAL, CODEGEMMA, PLAIN].map((t) => [t.id, t]),
);

const BY_FAMILY: Readonly<Record<ModelFamily, string>> = {
  starcoder: 'starcoder',
  'qwen-coder': 'qwen-coder',
  'deepseek-coder': 'deepseek-coder',
  codellama: 'codellama',
  codestral: 'codestral',
  codegemma: 'codegemma',
  'granite-code': 'starcoder-fim',
  'stable-code': 'starcoder-fim',
};

export function listTemplates(): string[] {
  return [...TEMPLATES.keys()];
}

/**
 * The template for a model: `override` (a template id from config; 'auto' means none) wins,
 * otherwise the model's family decides, and a model we do not recognise, or one trained without
 * infilling, gets 'plain'.
 */
export function fimTemplateFor(modelName: string | undefined, override?: string): FimTemplate {
  if (override !== undefined && override !== 'auto') {
    const chosen = TEMPLATES.get(override);
    if (!chosen) throw new Error(`unknown FIM template "${override}" (known: ${listTemplates().join(', ')}, auto)`);
    return chosen;
  }
  const match = detectModelFamily(modelName);
  const id = match && match.fim ? BY_FAMILY[match.family] : 'plain';
  return TEMPLATES.get(id) ?? PLAIN;
}

/**
 * Body for llama.cpp's POST /infill. The server lays out the model's own FIM tokens (repo-level
 * when the model has them) and tokenizes these fields with special-token parsing off, so the text
 * goes in unguarded. The caller's prompt-cache benefits remain: extra files come first in order.
 */
export function llamaCppInfill(input: FimInput, maxTokens: number): LlamaCppInfillRequest {
  return {
    input_prefix: input.prefix,
    input_suffix: input.suffix,
    input_extra: (input.extraFiles ?? []).map((file) => ({ filename: file.path, text: file.content })),
    prompt: '',
    n_predict: maxTokens,
  };
}

/**
 * What the parent learns about a GGUF model without loading it: that the file is whole, whether it
 * has fill-in-the-middle tokens, and the context it was trained with. `info()` must answer before
 * the worker starts; the worker's report after loading replaces these guesses.
 */
import { stat } from 'node:fs/promises';
import { GgufProblem, readGguf, type GgufSummary } from '../../../util/gguf.js';
import { ModelFileUnusable } from '../../errors.js';

export interface ModelFileFacts {
  architecture?: string;
  fim: boolean;
  trainContextTokens?: number;
  /** Size and modification time, to notice when the file is replaced. */
  signature: string;
}

/** Prefix and suffix token texts that llama.cpp recognises as FIM tokens when the metadata names none. */
const FIM_TOKEN_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['<|fim_prefix|>', '<|fim_suffix|>'],
  ['<fim_prefix>', '<fim_suffix>'],
  ['<fim-prefix>', '<fim-suffix>'],
  ['<PRE>', '<SUF>'],
  ['▁<PRE>', '▁<SUF>'],
  ['<｜fim▁begin｜>', '<｜fim▁hole｜>'],
  ['<|code_prefix|>', '<|code_suffix|>'],
];

export async function inspectModelFile(modelPath: string): Promise<ModelFileFacts> {
  let summary: GgufSummary;
  try {
    summary = await readGguf(modelPath, { findTokens: new Set(FIM_TOKEN_PAIRS.flat()) });
  } catch (error) {
    if (error instanceof GgufProblem) throw unusable(modelPath, error);
    throw error;
  }
  const architecture = summary.metadata.get('general.architecture');
  const arch = typeof architecture === 'string' ? architecture : undefined;
  const trainContext = arch === undefined ? undefined : summary.metadata.get(`${arch}.context_length`);
  return {
    architecture: arch,
    fim: declaresFim(summary),
    trainContextTokens: typeof trainContext === 'number' && trainContext > 0 ? trainContext : undefined,
    signature: await fileSignature(modelPath),
  };
}

export async function fileSignature(modelPath: string): Promise<string> {
  try {
    const info = await stat(modelPath);
    return `${info.size}:${info.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

function declaresFim(summary: GgufSummary): boolean {
  const has = (key: string) => summary.metadata.has(`tokenizer.ggml.${key}`);
  if (has('fim_pre_token_id') && has('fim_suf_token_id')) return true;
  if (has('prefix_token_id') && has('suffix_token_id')) return true;
  return FIM_TOKEN_PAIRS.some(([pre, suf]) => summary.foundTokens.has(pre) && summary.foundTokens.has(suf));
}

function unusable(modelPath: string, problem: GgufProblem): ModelFileUnusable {
  const message =
    problem.kind === 'missing'
      ? `The model file ${modelPath} does not exist. Set INLINE_GGUF (or --gguf) to a downloaded .gguf model.`
      : problem.kind === 'not-a-file'
        ? `The model path ${modelPath} is not a file. Set INLINE_GGUF (or --gguf) to a .gguf model file.`
        : problem.message;
  return new ModelFileUnusable(message, { modelPath, cause: problem });
}

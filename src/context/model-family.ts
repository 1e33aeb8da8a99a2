/**
 * Recognises code-model families from a model name as servers report it
 * ("Qwen/Qwen2.5-Coder-7B", "qwen2.5-coder:7b-base-q4_K_M", "bigcode/starcoder2-3b", ...).
 * Used to decide whether a model can fill in the middle and, later, which FIM template it needs.
 */

export type ModelFamily =
  | 'starcoder'
  | 'qwen-coder'
  | 'deepseek-coder'
  | 'codellama'
  | 'codestral'
  | 'codegemma'
  | 'granite-code'
  | 'stable-code';

interface FamilyRule {
  family: ModelFamily;
  pattern: RegExp;
}

// Order matters: the first match wins, so narrower names come before broader ones.
const RULES: FamilyRule[] = [
  { family: 'starcoder', pattern: /star-?coder|santacoder|bigcode/ },
  { family: 'qwen-coder', pattern: /qwen[\d.]*-?coder/ },
  { family: 'deepseek-coder', pattern: /deepseek-?coder/ },
  { family: 'codellama', pattern: /code-?llama/ },
  { family: 'codestral', pattern: /codestral/ },
  { family: 'codegemma', pattern: /codegemma|code-gemma/ },
  { family: 'granite-code', pattern: /granite[\d.]*-?(\d+b-)?code/ },
  { family: 'stable-code', pattern: /stable-?code/ },
];

export interface FamilyMatch {
  family: ModelFamily;
  /** Whether the family was trained with fill-in-the-middle tokens. */
  fim: boolean;
  reason: string;
}

export function detectModelFamily(modelName: string | undefined): FamilyMatch | undefined {
  if (!modelName) return undefined;
  const name = modelName.toLowerCase();
  for (const rule of RULES) {
    if (!rule.pattern.test(name)) continue;
    // Code Llama's 34B and 70B checkpoints were released without infilling.
    if (rule.family === 'codellama' && /(^|[^\d])(34|70)b/.test(name)) {
      return { family: rule.family, fim: false, reason: 'Code Llama 34B/70B were trained without infilling' };
    }
    return { family: rule.family, fim: true, reason: `${rule.family} models are trained for fill-in-the-middle` };
  }
  return undefined;
}

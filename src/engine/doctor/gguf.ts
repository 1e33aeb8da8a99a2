/** Checks that a configured GGUF path is a whole, readable GGUF file, without loading the model. */
import { GgufProblem, readGguf } from '../../util/gguf.js';

export interface GgufCheck {
  path: string;
  ok: boolean;
  sizeBytes?: number;
  version?: number;
  problem?: string;
}

export async function checkGguf(path: string): Promise<GgufCheck> {
  try {
    const { version, sizeBytes } = await readGguf(path);
    return { path, ok: true, sizeBytes, version };
  } catch (error) {
    if (!(error instanceof GgufProblem)) throw error;
    const problem =
      error.kind === 'missing' ? `${path} does not exist. Set INLINE_GGUF or --gguf to a downloaded .gguf model file.` : error.message;
    return { path, ok: false, problem };
  }
}

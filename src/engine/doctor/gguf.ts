/** Checks that a configured GGUF path is a readable GGUF file, without loading the model. */
import { open, stat } from 'node:fs/promises';

export interface GgufCheck {
  path: string;
  ok: boolean;
  sizeBytes?: number;
  version?: number;
  problem?: string;
}

const MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32

export async function checkGguf(path: string): Promise<GgufCheck> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return { path, ok: false, problem: `${path} is not a file` };
    size = info.size;
  } catch {
    return { path, ok: false, problem: `${path} does not exist. Set INLINE_GGUF or --gguf to a downloaded .gguf model file.` };
  }
  const header = Buffer.alloc(8);
  const handle = await open(path, 'r');
  try {
    await handle.read(header, 0, 8, 0);
  } finally {
    await handle.close();
  }
  if (size < 8 || header.readUInt32LE(0) !== MAGIC) {
    return { path, ok: false, sizeBytes: size, problem: `${path} is not a GGUF model file (its first bytes are not "GGUF")` };
  }
  const version = header.readUInt32LE(4);
  if (version < 1 || version > 3) {
    return { path, ok: false, sizeBytes: size, version, problem: `${path} uses GGUF version ${version}, which this build cannot read` };
  }
  return { path, ok: true, sizeBytes: size, version };
}

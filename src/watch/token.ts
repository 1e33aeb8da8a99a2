/** The TCP transport's shared secret: made when the daemon listens, checked in `initialize`. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

export function tokensMatch(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  // Hashing first makes the comparison constant-time in the length too.
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

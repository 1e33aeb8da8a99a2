import { describe, expect, it } from 'vitest';
import { containsSecret } from '../../../../src/engine/complete/secrets/secret-guard.js';

// Built at run time so no credential-shaped literal sits in the repository.
const awsKey = 'AKIA' + 'Q3EGRTZ7' + 'XPLM4WNB';
const githubToken = 'ghp_' + 'x7Yb2Kq9Lm4Np6Rs8Tv1Wz3Ac5De7Fg9Hj2K';

describe('containsSecret', () => {
  it('blocks a suggestion that is a credential', () => {
    expect(containsSecret(`"${awsKey}"`, 'aws_access_key_id = ', '\n', 'config.py')).toBe(true);
    expect(containsSecret(`${githubToken}"`, 'token = "', '\n', 'a.ts')).toBe(true);
  });

  it('blocks a suggestion that completes a credential the user started', () => {
    expect(containsSecret(awsKey.slice(6) + '"', `key = "${awsKey.slice(0, 6)}`, '\n', 'a.py')).toBe(true);
  });

  it('ignores allow comments the suggestion itself brings', () => {
    expect(containsSecret(`"${awsKey}"  # inline:allow`, 'aws_key = ', '\n', 'a.py')).toBe(true);
  });

  it('lets ordinary code through, and a secret already on the line that the suggestion does not touch', () => {
    expect(containsSecret('os.environ["AWS_ACCESS_KEY_ID"]', 'key = ', '\n', 'a.py')).toBe(false);
    expect(containsSecret('\nprint("done")', `key = "${awsKey}"  # inline:allow`, '', 'a.py')).toBe(false);
    expect(containsSecret('   ', 'x = ', '', 'a.py')).toBe(false);
  });
});

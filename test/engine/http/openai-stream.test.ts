import { describe, expect, it } from 'vitest';
import { deltasFromChunk } from '../../../src/engine/http/openai-stream.js';

describe('deltasFromChunk', () => {
  it('sums token log-probabilities in the completions shape', () => {
    const chunk = { choices: [{ index: 1, text: 'ab', logprobs: { tokens: ['a', 'b'], token_logprobs: [-0.5, -0.25] }, finish_reason: null }] };
    expect(deltasFromChunk('completions', chunk)).toEqual([{ text: 'ab', choice: 1, logprob: -0.75 }]);
  });

  it('sums them in the chat shape, and leaves them out when absent or unusable', () => {
    const chat = { choices: [{ index: 0, delta: { content: 'x' }, logprobs: { content: [{ token: 'x', logprob: -2 }] } }] };
    expect(deltasFromChunk('chat', chat)).toEqual([{ text: 'x', choice: 0, logprob: -2 }]);
    const none = { choices: [{ index: 0, text: 'y', logprobs: null }] };
    expect(deltasFromChunk('completions', none)).toEqual([{ text: 'y', choice: 0 }]);
    const junk = { choices: [{ index: 0, text: 'z', logprobs: { token_logprobs: [null, 'x'] } }] };
    expect(deltasFromChunk('completions', junk)).toEqual([{ text: 'z', choice: 0 }]);
  });
});

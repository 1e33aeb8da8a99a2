/** Shown once, into scrollback, when no chat-capable engine is configured. Slash commands keep working. */
import React from 'react';
import { Box, Text } from 'ink';

const SETUPS: Array<[string, string]> = [
  ['vLLM or SGLang', 'inline chat --base-url http://localhost:8000/v1 --model Qwen/Qwen2.5-Coder-7B-Instruct'],
  ['llama.cpp server', 'llama-server -m model.gguf --port 8080, then inline chat --base-url http://localhost:8080/v1'],
  ['Ollama', 'inline chat --base-url http://localhost:11434/v1 --model qwen2.5-coder:7b (raise num_ctx: Ollama cuts prompts at 2k)'],
  ['a GGUF file', 'inline chat --gguf ~/models/qwen2.5-coder-7b-instruct-q4_k_m.gguf (runs in-process with node-llama-cpp)'],
];

export function NoEngineScreen(): React.JSX.Element {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1} marginBottom={1}>
      <Text bold color="yellow">
        No chat engine is configured
      </Text>
      <Text>
        The default local engine completes code from your repository's own statistics but cannot chat. Point inline at a model
        server or a model file:
      </Text>
      <Box flexDirection="column" marginY={1}>
        {SETUPS.map(([name, command]) => (
          <Text key={name}>
            <Text bold>{`  ${name.padEnd(17)}`}</Text>
            {command}
          </Text>
        ))}
      </Box>
      <Text>
        Or set it in the environment: <Text color="cyan">INLINE_BASE_URL</Text>=http://localhost:8000/v1 with{' '}
        <Text color="cyan">INLINE_MODEL</Text>=name, or <Text color="cyan">INLINE_GGUF</Text>=/path/to/model.gguf (
        <Text color="cyan">INLINE_API_KEY</Text> or <Text color="cyan">OPENAI_API_KEY</Text> if the server wants a key). Check it
        with <Text bold>inline doctor</Text>.
      </Text>
      <Text>
        Slash commands still work: <Text bold>/search</Text>, <Text bold>/context</Text>, <Text bold>/diff</Text>,{' '}
        <Text bold>/undo</Text>, <Text bold>/help</Text>.
      </Text>
    </Box>
  );
}

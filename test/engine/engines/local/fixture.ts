/** A small repository for the local engine's tests: a few Python and JavaScript files with habits to learn. */
import type { CompletionRequest } from '../../../../src/engine/types.js';

const config = (name: string) => `import json
import os


def load_${name}(path):
    with open(path) as handle:
        return json.load(handle)


def save_${name}(path, data):
    with open(path, "w") as handle:
        json.dump(data, handle, indent=2)


def describe_${name}(checksum_accumulator, path):
    parser = argparse.ArgumentParser(description="${name}")
    parser.add_argument("--verbose", action="store_true")
    return checksum_accumulator.update(path)
`;

const widget = `import os


class Widget:
    def __init__(self, width, height, depth):
        self.width = width
        self.height = height
        self.depth = depth

    def area(self):
        return self.width * self.height

    def checksum_accumulator_reset(self):
        self.total = 0
`;

const js = (name: string) => `'use strict'

function ${name} (items, options) {
  if (!Array.isArray(items)) {
    throw new TypeError('items must be an array')
  }
  const result = []
  for (const item of items) {
    result.push(transform(item, options))
  }
  return result
}

module.exports = { ${name} }
`;

export const FILES = [
  { path: 'src/settings.py', text: config('settings') },
  { path: 'src/profile.py', text: config('profile') },
  { path: 'src/cache.py', text: config('cache') },
  { path: 'src/widget.py', text: widget },
  { path: 'lib/map.js', text: js('mapAll') },
  { path: 'lib/apply.js', text: js('applyAll') },
  { path: 'lib/run.js', text: js('runAll') },
];

/** A request with the cursor at the end of `prefix` (and `suffix` after it). */
export function request(path: string, prefix: string, suffix = '', extra: Partial<CompletionRequest> = {}): CompletionRequest {
  return { prompt: prefix, suffix, stop: [], maxTokens: 64, temperature: 0, n: 1, cursor: { path, prefix, suffix }, ...extra };
}

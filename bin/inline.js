#!/usr/bin/env node
// Launcher: everything lives in the compiled program; keep this file free of imports so start-up stays fast.
import('../dist/cli/main.js')
  .then(({ main }) => main(process.argv))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
      process.stderr.write('inline: the program is not built yet. Run `npm run build` first.\n');
    } else {
      process.stderr.write(`inline: ${err && err.stack ? err.stack : err}\n`);
    }
    process.exitCode = 2;
  });

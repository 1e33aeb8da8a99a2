/**
 * Ink decides once, when it is imported, whether it runs in CI (from `CI` or `CONTINUOUS_INTEGRATION`),
 * and there it draws only the final frame: an interactive chat would sit blank until it exits. A
 * terminal someone types into is not CI, whatever a dev container or shell profile exported, so
 * those variables are hidden while the TUI modules load and put back afterwards (commands run
 * from `/run` still see them).
 */
const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

export async function loadWithoutCiDetection<T>(load: () => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  const saved = CI_VARIABLES.map((name) => [name, env[name]] as const);
  for (const name of CI_VARIABLES) delete env[name];
  try {
    return await load();
  } finally {
    for (const [name, value] of saved) if (value !== undefined) env[name] = value;
  }
}

/** The chat TUI's entry point, loaded so that Ink draws live frames. */
export function loadChatRenderer(): Promise<typeof import('./render.js')> {
  return loadWithoutCiDetection(() => import('./render.js'));
}

// The V8 flags node was started with, by name, for the settings `serve` makes at start
// (memory-headroom.ts, jit-inlining.ts): each leaves alone what the operator set.

/** A flag's name as V8 reads it: `--max_semi_space_size=4` and `--max-semi-space-size` are one flag. */
export const flagName = (arg: string) => arg.split("=", 1)[0]!.replace(/_/g, "-");

/** The names of the flags given on node's command line (`execArgv`) or in `NODE_OPTIONS`. */
export function givenFlagNames(execArgv: readonly string[], nodeOptions: string): Set<string> {
  return new Set([...execArgv, ...nodeOptions.split(/\s+/)].map(flagName));
}

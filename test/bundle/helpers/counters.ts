// Finds counters (`*_total`) used outside rate()/irate()/increase() in a PromQL expression: a raw
// counter value is meaningless on a dashboard (it resets on restart and only ever grows).

const COUNTER_FUNCTIONS = new Set(["rate", "irate", "increase"]);

/** The names of counters in `expr` that are not inside a rate/irate/increase call. */
export function countersOutsideRate(expr: string): string[] {
  const code = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const offenders: string[] = [];
  for (const match of code.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*_total\b/g)) {
    if (!enclosingFunctions(code, match.index).some((name) => COUNTER_FUNCTIONS.has(name))) offenders.push(match[0]);
  }
  return offenders;
}

/** Names of the function calls enclosing position `at`, innermost first ("" for plain parentheses). */
function enclosingFunctions(code: string, at: number): string[] {
  const names: string[] = [];
  let depth = 0;
  for (let i = at - 1; i >= 0; i--) {
    const char = code[i];
    if (char === ")") depth++;
    else if (char === "(") {
      if (depth > 0) depth--;
      else names.push(/([a-zA-Z_]\w*)\s*$/.exec(code.slice(0, i))?.[1] ?? "");
    }
  }
  return names;
}

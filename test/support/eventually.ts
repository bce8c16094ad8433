// Polls an assertion until it holds (or the deadline passes, then its last failure is thrown): tests
// wait for a condition, never for a fixed time, so a loaded machine only makes them slower.
export async function eventually<T>(check: () => Promise<T> | T, deadlineMs = 15_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}

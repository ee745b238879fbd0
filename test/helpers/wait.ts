/**
 * Waits for a condition another process or server brings about (a log line, a request at a
 * stand-in, a row), checking it every few milliseconds, with a deadline. Never a fixed sleep.
 */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

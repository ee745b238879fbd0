/**
 * This process's peak resident set size, MB. On Linux from /proc/self/status (VmHWM: the high-water
 * mark of this process's own memory since it started), not getrusage's maxRSS: a child spawned
 * by fork + exec inherits in maxRSS the RSS its parent had at the fork, so a child started late in
 * `npm run bench`, after the parent has grown, reported the parent's size instead of its own.
 */
import { readFileSync } from "node:fs";

export function peakRssMb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // Not Linux: getrusage below.
  }
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * Which process runs something: what an ingestion run records so that a later start-up can tell a
 * run still in progress (in another process) from one whose process was killed or crashed. A pid
 * alone is not enough: pids are reused, and in a container the bot is pid 1 after every restart.
 * On Linux the instance is the boot id and the process's start time (clock ticks since boot), so
 * a reused pid does not match; elsewhere it is the host name and boot time, and the pid must exist.
 */
import { readFileSync } from "node:fs";
import { hostname, uptime } from "node:os";

export interface ProcessIdentity {
  readonly pid: number;
  /** `linux:<boot id>:<start ticks>`, or `host:<host name>@<boot minute>` elsewhere. */
  readonly instance: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat (start time); the command name before it may hold spaces and parentheses. */
function startTicks(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

function instanceOf(pid: number): string | undefined {
  const boot = readText("/proc/sys/kernel/random/boot_id")?.trim();
  if (boot) {
    const ticks = startTicks(pid);
    return ticks === undefined ? undefined : `linux:${boot}:${ticks}`;
  }
  return `host:${hostname()}@${Math.round((Date.now() / 1000 - uptime()) / 60)}`;
}

let self: ProcessIdentity | undefined;

export function currentProcess(): ProcessIdentity {
  self ??= { pid: process.pid, instance: instanceOf(process.pid) ?? `pid:${process.pid}` };
  return self;
}

/**
 * Whether the process that recorded `owner` is still running. Gone: nothing recorded (a run from
 * before owners were recorded), no such pid, or a pid now held by another process.
 */
export function isProcessAlive(owner: { readonly pid: number | null; readonly instance: string | null }): boolean {
  if (owner.pid === null || owner.instance === null) return false;
  if (owner.instance.startsWith("linux:")) return instanceOf(owner.pid) === owner.instance;
  if (owner.instance !== instanceOf(owner.pid)) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as { code?: unknown }).code === "EPERM";
  }
}

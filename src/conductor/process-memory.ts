/**
 * Memory of a process group as Linux accounts it: the proportional set size (PSS, shared pages
 * split between the processes sharing them) summed over every process of the group, so
 * PostgreSQL's backends and its shared buffers count once.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The PSS of process `pid` in bytes, or 0 when it is gone or unreadable. */
function pssBytes(pid: string): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kib = /^Pss:\s+(\d+) kB$/m.exec(rollup)?.[1];
    return kib === undefined ? 0 : Number(kib) * 1024;
  } catch {
    return 0;
  }
}

/** The process group id of process `pid` (field 5 of /proc/<pid>/stat), or undefined. */
function groupOf(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[2]);
  } catch {
    return undefined;
  }
}

/**
 * Bytes of memory (PSS) used by the processes of process group `pgid`: a child started detached
 * (`spawnService`) leads its own group. Undefined where /proc is not there (not Linux).
 */
export function groupMemoryBytes(pgid: number): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  return pids.filter((pid) => groupOf(pid) === pgid).reduce((sum, pid) => sum + pssBytes(pid), 0);
}

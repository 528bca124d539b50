import fs from 'node:fs';
import path from 'node:path';

/** Linux reports process times in clock ticks; 100 per second on every common kernel config. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, milliseconds) a process has used so far, from `/proc/<pid>/stat`. The
 * difference over a run says what one unit of work costs, which a busy machine blurs far less than
 * throughput.
 */
export function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** Resident memory of a process in bytes, from `/proc/<pid>/status`. */
export function processRss(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

/** Bytes of every file under a folder (a SQLite database with its WAL and encrypted files). */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}

export const MB = 1024 * 1024;

/**
 * RSS split as the kernel counts it (`/proc/<pid>/status`): anonymous memory (heaps, malloc, stacks),
 * file-backed pages (the node binary, shared libraries, ICU data, native addons) and shared memory.
 */
export function processRssParts(pid: number): { anon: number; file: number; shmem: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { anon: kb('RssAnon'), file: kb('RssFile'), shmem: kb('RssShmem') };
}

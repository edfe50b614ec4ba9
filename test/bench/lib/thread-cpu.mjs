/**
 * CPU time of each thread of the processes in one process group, read from /proc
 * (Linux), in ms: `{ 'pid/tid': ms }`. Null where /proc cannot be read (other systems),
 * so callers leave the figure out rather than guess.
 * (test/bench/run.mjs runs only the .mjs files directly in test/bench, not this folder.)
 */
import { readdirSync, readFileSync } from 'node:fs';

/** /proc/<pid>/stat counts in USER_HZ clock ticks, 100 per second on Linux. */
const MS_PER_TICK = 10;

export function threadCpu(pgid) {
  let pids;
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const out = {};
  for (const pid of pids) {
    try {
      // Fields after "(comm)": state ppid pgrp ...; utime and stime are fields 14 and 15.
      if (statFields(`/proc/${pid}/stat`)[2] !== String(pgid)) continue;
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const f = statFields(`/proc/${pid}/task/${tid}/stat`);
        out[`${pid}/${tid}`] = (Number(f[11]) + Number(f[12])) * MS_PER_TICK;
      }
    } catch {
      /* the process or thread ended meanwhile */
    }
  }
  return Object.keys(out).length ? out : null;
}

/** The `pid/tid` of the thread that used the most CPU between two readings (null: none measured). */
export function busiestThread(before, after) {
  let best = null;
  let most = 0;
  for (const key of Object.keys(after ?? {})) {
    const ms = after[key] - (before?.[key] ?? 0);
    if (ms > most) [best, most] = [key, ms];
  }
  return best;
}

function statFields(path) {
  const stat = readFileSync(path, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * Memory and CPU of the processes under test, read from /proc (Linux only).
 *   - VmRSS: resident memory now; VmHWM: the process's lifetime peak ("high water mark").
 *   - CPU: utime + stime from /proc/<pid>/stat, in clock ticks (USER_HZ, 100 on Linux).
 */
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100;

export interface MemInfo {
  rssMb: number;
  hwmMb: number;
}

export function readMem(pid: number): MemInfo | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  return { rssMb: kbField(text, "VmRSS:") / 1024, hwmMb: kbField(text, "VmHWM:") / 1024 };
}

function kbField(text: string, name: string): number {
  const at = text.indexOf(name);
  if (at < 0) return 0;
  return Number.parseInt(text.slice(at + name.length).trimStart(), 10) || 0;
}

/** utime + stime of a process in seconds (undefined once it has gone). */
export function cpuSeconds(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces; fields after its closing ")" are fixed.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Open file descriptors of a process (sockets included). */
export function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** Measures CPU use of a process between `new CpuMeter()` and `percent()` (100% = one core). */
export class CpuMeter {
  private readonly startCpu: number;
  private readonly startWall = performance.now();
  constructor(readonly pid: number) {
    this.startCpu = cpuSeconds(pid) ?? 0;
  }
  /** Average CPU use since construction, in % of one core. */
  percent(): number {
    const cpu = (cpuSeconds(this.pid) ?? this.startCpu) - this.startCpu;
    const wall = (performance.now() - this.startWall) / 1000;
    return wall > 0 ? (cpu / wall) * 100 : 0;
  }
}

/** Samples VmRSS of a few processes every `intervalMs` and keeps each one's peak. */
export class RssSampler {
  private timer: ReturnType<typeof setInterval> | undefined;
  readonly peakMb = new Map<number, number>();
  readonly samples: Array<{ atMs: number; rssMb: Record<number, number> }> = [];
  private readonly startedAt = performance.now();

  constructor(private readonly pids: number[], private readonly intervalMs = 100, private readonly keepSamples = false) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  peak(pid: number): number {
    return this.peakMb.get(pid) ?? 0;
  }

  private sample(): void {
    const row: Record<number, number> = {};
    for (const pid of this.pids) {
      const mem = readMem(pid);
      if (!mem) continue;
      row[pid] = mem.rssMb;
      if (mem.rssMb > (this.peakMb.get(pid) ?? 0)) this.peakMb.set(pid, mem.rssMb);
    }
    if (this.keepSamples) this.samples.push({ atMs: performance.now() - this.startedAt, rssMb: row });
  }
}

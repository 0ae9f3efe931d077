/**
 * Memory and CPU of the processes under test, read from /proc (Linux only).
 *   - VmRSS: resident memory now; VmHWM: the process's lifetime peak ("high water mark").
 *   - CPU: utime + stime from /proc/<pid>/stat, in clock ticks (USER_HZ, 100 on Linux).
 *   - ProcSampler polls both for a set of processes during one measurement.
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

/** Busy CPU seconds of the whole machine, all cores (/proc/stat: user, nice, system, irq, softirq, steal). */
export function machineBusySeconds(): number {
  const line = readFileSync("/proc/stat", "utf8").slice(0, 200).split("\n", 1)[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / TICKS_PER_SECOND;
}

/**
 * CPU (utime+stime) and VmRSS of a changing set of processes, sampled every `intervalMs`,
 * plus the machine's busy time, so CPU used by anything else (other programs, and kernel
 * network work not charged to a process) shows up as "other".
 */
export class ProcSampler {
  private readonly first = new Map<number, { cpu: number; at: number }>();
  private readonly last = new Map<number, { cpu: number; at: number }>();
  readonly peakRss = new Map<number, number>();
  private readonly timer: ReturnType<typeof setInterval>;
  private machineFirst: { cpu: number; at: number } | undefined;
  private machineLast: { cpu: number; at: number } | undefined;
  constructor(private readonly pids: number[], intervalMs = 100) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }
  add(pid: number) {
    this.pids.push(pid);
    this.sample();
  }
  sample() {
    const at = performance.now();
    const machine = { cpu: machineBusySeconds(), at };
    this.machineFirst ??= machine;
    this.machineLast = machine;
    for (const pid of this.pids) {
      const cpu = cpuSeconds(pid);
      if (cpu !== undefined) {
        if (!this.first.has(pid)) this.first.set(pid, { cpu, at });
        this.last.set(pid, { cpu, at });
      }
      const mem = readMem(pid);
      if (mem && mem.rssMb > (this.peakRss.get(pid) ?? 0)) this.peakRss.set(pid, mem.rssMb);
    }
  }
  stop() {
    clearInterval(this.timer);
    this.sample();
  }
  /** Average CPU in % of one core between the first and last sample of `pid`. */
  cpuPercent(pid: number): number {
    const a = this.first.get(pid);
    const b = this.last.get(pid);
    if (!a || !b || b.at <= a.at) return Number.NaN;
    return ((b.cpu - a.cpu) / ((b.at - a.at) / 1000)) * 100;
  }
  /** CPU used outside the sampled processes, in % of one core, over the sampled period. */
  otherPercent(): number {
    const a = this.machineFirst;
    const b = this.machineLast;
    if (!a || !b || b.at <= a.at) return Number.NaN;
    let ours = 0;
    for (const [pid, first] of this.first) ours += (this.last.get(pid)?.cpu ?? first.cpu) - first.cpu;
    return ((b.cpu - a.cpu - ours) / ((b.at - a.at) / 1000)) * 100;
  }
}

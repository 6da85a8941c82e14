import { readFileSync } from 'node:fs';

const field = (pid: number, name: 'VmRSS' | 'VmHWM') => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1]) / 1024;
};

/** A process's resident memory in MB, from /proc: now, and its peak so far (the kernel's high-water mark). */
export const rssMB = (pid: number) => field(pid, 'VmRSS');
export const peakRssMB = (pid: number) => field(pid, 'VmHWM');

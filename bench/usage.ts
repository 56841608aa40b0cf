/** Peak RSS and CPU time (user + system, every thread) of this process so far, for a bench child. */
export function usage(): { peakRssMb: number; cpuMs: number } {
  const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
  return { peakRssMb: maxRSS / 1024, cpuMs: (userCPUTime + systemCPUTime) / 1000 };
}

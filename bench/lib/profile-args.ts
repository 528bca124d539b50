/**
 * Node options that make the bot process write a CPU profile (`.cpuprofile`, open in Chrome DevTools
 * or speedscope) into `BENCH_CPU_PROF` when it exits; none when unset. For finding why a target is
 * missed: `BENCH_CPU_PROF=/tmp/prof npm run bench -- --only webhooks --quick`.
 */
export function profileArgs(): string[] {
  const dir = process.env['BENCH_CPU_PROF'];
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

import type { Redis } from 'ioredis';

/** One line of `INFO commandstats`: calls and total µs of a command. */
export type CommandStat = { command: string; calls: number; usec: number };

/** What a stretch of traffic cost Redis: each command's calls and µs, and the server's CPU seconds. */
export type RedisCost = { commands: CommandStat[]; calls: number; usec: number; cpuSeconds: number };

export type RedisMark = { cpuSeconds: number };

/** What the benchmark's own client sends to read the figures; not the bot's cost. */
const OWN_COMMANDS = new Set(['info', 'config|resetstat', 'config']);

/**
 * Starts a measurement on a Redis that only the measured process uses: `CONFIG RESETSTAT` zeroes
 * commandstats; CPU (used_cpu_sys + used_cpu_user) cannot be reset, so its value now is the mark.
 */
export async function startRedisMeter(admin: Redis): Promise<RedisMark> {
  await admin.config('RESETSTAT');
  return { cpuSeconds: await redisCpuSeconds(admin) };
}

/** Commands and CPU since the mark, without the meter's own INFO and CONFIG calls. */
export async function readRedisMeter(admin: Redis, mark: RedisMark): Promise<RedisCost> {
  const cpuSeconds = (await redisCpuSeconds(admin)) - mark.cpuSeconds;
  const commands = parseCommandStats(await admin.info('commandstats'))
    .filter((c) => !OWN_COMMANDS.has(c.command))
    .sort((a, b) => b.calls - a.calls);
  return { commands, calls: commands.reduce((n, c) => n + c.calls, 0), usec: commands.reduce((n, c) => n + c.usec, 0), cpuSeconds };
}

/** "evalsha 3.0, set 1.0, …": the commands per unit of work, most frequent first. */
export function describeCommands(cost: RedisCost, per: number, top = 8): string {
  return cost.commands
    .slice(0, top)
    .map((c) => `${c.command} ${(c.calls / per).toFixed(2)} (${(c.usec / per).toFixed(1)} µs)`)
    .join(', ');
}

async function redisCpuSeconds(admin: Redis): Promise<number> {
  const info = parseInfo(await admin.info('cpu'));
  return Number(info.get('used_cpu_sys') ?? 0) + Number(info.get('used_cpu_user') ?? 0);
}

function parseInfo(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) map.set(line.slice(0, at), line.slice(at + 1));
  }
  return map;
}

/** `cmdstat_evalsha:calls=12,usec=340,usec_per_call=28.3,…` → {command, calls, usec}. */
export function parseCommandStats(text: string): CommandStat[] {
  const out: CommandStat[] = [];
  for (const [key, value] of parseInfo(text)) {
    if (!key.startsWith('cmdstat_')) continue;
    const fields = new Map(value.split(',').map((pair) => pair.split('=') as [string, string]));
    out.push({ command: key.slice('cmdstat_'.length), calls: Number(fields.get('calls') ?? 0), usec: Number(fields.get('usec') ?? 0) });
  }
  return out;
}

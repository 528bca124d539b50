import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { clearRedisPrefix, removeDir, tempDir } from '../helpers/test-app.js';

/**
 * The same application over the console channel (`npm run chat`), as a real process fed on its
 * standard input: no buttons there, so choices come as numbered lists and are answered by number.
 */
const dataDir = tempDir('console');
const prefix = `test-console-${process.pid}`;

afterAll(async () => {
  await clearRedisPrefix(prefix);
  removeDir(dataDir);
});

function chat(lines: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/chat.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', USER: 'console-test', DATA_DIR: dataDir, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(`${lines.join('\n')}\n`);
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('the support application over the console channel', () => {
  it('runs the same flow with numbered choices, refusals included, to a reference and the two-weeks message', async () => {
    const { code, stdout, stderr } = await chat([
      'ابغى اقدم طلب دعم',
      '1',
      'سلمان فهد القحطاني',
      '1234567890',
      '1022334450',
      'هيا عبدالرحمن القحطاني',
      '2022334458',
      '05 1234 567',
      '0541234567',
      'جدة',
      'الجبيل',
      '27',
      '30',
      '4',
      '1',
      '2',
      '2',
      '9000',
      '3',
      '4',
      '2',
      '1',
      '1',
    ]);
    // Only the first-start notice about the generated data key may appear; no turn failed.
    expect(stderr).not.toMatch(/"level":(50|60)/);
    expect(code).toBe(0);
    // Choices are numbered lines, since the console shows no buttons.
    expect(stdout).toMatch(/1\. أوافق/);
    expect(stdout).toMatch(/1\. لا، ما سبق\n2\. تلقيح صناعي/);
    // Refusals say what is wrong, then the same question comes again.
    expect(stdout).toContain('خانة مكتوبة خطأ');
    expect(stdout).toContain('المنطقة الشرقية فقط');
    expect(stdout).toContain('10 أرقام تبدأ بـ05');
    expect(stdout).toContain('• المدينة: الجبيل');
    expect(stdout).toContain('• الجوال: 054 123 4567');
    expect(stdout).toMatch(/رقم الطلب: [2-9]{4}-[2-9]{4}/);
    expect(stdout).toContain('لا تقل عن أسبوعين');
  }, 60_000);
});

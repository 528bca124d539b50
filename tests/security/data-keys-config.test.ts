import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { loadConfig } from '../../src/config/config.js';

const KEY = 'ab'.repeat(32);
const BASE64_KEY = Buffer.alloc(32, 7).toString('base64');

describe('DATA_KEYS_PREVIOUS', () => {
  it('is empty by default and reads a comma list of hex and base64 keys', () => {
    expect(loadConfig({}).dataKeysPrevious).toEqual([]);
    expect(loadConfig({ DATA_KEYS_PREVIOUS: ` ${KEY}, ${BASE64_KEY} ,` }).dataKeysPrevious).toEqual([KEY, BASE64_KEY]);
  });

  it('names the bad entry by position and never echoes a key', () => {
    const secret = `${KEY},not-a-key-but-secret-anyway`;
    let error: unknown;
    try {
      loadConfig({ DATA_KEYS_PREVIOUS: secret });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('DATA_KEYS_PREVIOUS');
    expect(message).toContain('entry 2');
    expect(message).not.toContain(KEY);
    expect(message).not.toContain('secret-anyway');
  });
});

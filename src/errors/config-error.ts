import { AppError } from './app-error.js';

/** A configuration variable is missing or wrong; the message is the one line shown at start-up. */
export class ConfigError extends AppError {
  readonly variable: string;

  constructor(variable: string, message: string) {
    super('CONFIG_INVALID', message);
    this.variable = variable;
  }
}

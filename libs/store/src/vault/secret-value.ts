import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A decrypted secret that will not leak by accident: `JSON.stringify`, template strings and
 * `console.log`/pino all see `[redacted]`. Only `reveal()` hands out the value.
 */
export class SecretValue<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `SecretValue(${REDACTED})`;
  }
}

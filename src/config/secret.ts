import { inspect } from 'node:util';

const MASK = '***';

/**
 * A branded secret (password, token). It prints as `***` through `String()`, `JSON.stringify`, template
 * strings and `util.inspect`, so it cannot leak into logs or errors by accident; `reveal()` is the only way
 * to read it and is meant for the driver edge.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The plain value. Call only where the value is sent to its consumer (driver, hash check). */
  reveal(): string {
    return this.#value;
  }

  /** True when the secret is the empty string. */
  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [inspect.custom](): string {
    return MASK;
  }
}

/** Replaces every occurrence of the given secrets in `text` with `***`. */
export function redact(text: string, secrets: Iterable<Secret | string>): string {
  let out = text;
  for (const secret of secrets) {
    const value = typeof secret === 'string' ? secret : secret.reveal();
    if (value.length >= 3) {
      out = out.split(value).join(MASK);
      const encoded = encodeURIComponent(value);
      if (encoded !== value) out = out.split(encoded).join(MASK);
    }
  }
  return out;
}

/**
 * Masks the password of a connection URL (`mysql://user:***@host/db`), even when it does not parse. The
 * userinfo runs to the LAST `@` before the host, as WHATWG URL parsing reads it, so a password with an
 * unencoded `@` (`mysql://u:p@ss@host/db`) is masked whole, never as `***@ss@host`. When the URL does not
 * parse (a password with an unencoded `/`, `?` or `#`), everything up to the last `@` is masked; so is
 * everything before an `@` of a value without a scheme (`app:secret@host/db`), and the text after
 * `scheme://user:` when no `@` follows and it is not a port (`mysql://app:secret`, a URL cut at a comma).
 * A list of URLs (`CAREPOOL_TARGET_<NAME>_REPLICAS`: a comma before each `scheme://`) is masked URL by URL.
 */
export function redactUrl(url: string): string {
  return url
    .split(/,(?=\s*[a-z][a-z0-9+.-]*:\/\/)/i)
    .map(redactOne)
    .join(',');
}

function redactOne(url: string): string {
  const m = /^(\s*[a-z0-9+.-]+:\/\/[^:/@?#]*:)/i.exec(url);
  if (m === null) {
    // No `scheme://user:`: whatever precedes an `@` may be a user and password (a forgotten `mysql://`).
    const at = url.lastIndexOf('@');
    return at === -1 ? url : `${MASK}${url.slice(at)}`;
  }
  const rest = url.slice(m[0].length);
  // Parsed with a user name: the authority ends at the first / ? # and the userinfo at its last @.
  // Otherwise (unparsable, or a `/` in the password moved the @ out of the authority) mask up to the last @
  // anywhere: masking too much is safe, too little is not.
  let end = rest.lastIndexOf('@');
  if (parsesWithUser(url)) {
    const authorityEnd = rest.search(/[/?#]/);
    end = rest.lastIndexOf('@', authorityEnd === -1 ? rest.length : authorityEnd);
  }
  if (end === -1) {
    // `host:port` keeps its port; anything else after `user:` may be a password without its `@host`.
    const tail = rest.search(/[/?#]/);
    const candidate = tail === -1 ? rest : rest.slice(0, tail);
    return /^\d*$/.test(candidate) ? url : `${m[1]}${MASK}${tail === -1 ? '' : rest.slice(tail)}`;
  }
  return `${m[1]}${MASK}${rest.slice(end)}`;
}

function parsesWithUser(url: string): boolean {
  try {
    return new URL(url).username !== '';
  } catch {
    return false;
  }
}

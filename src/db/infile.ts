import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';

/**
 * The data `LOAD DATA LOCAL INFILE` may send, by name. With LOCAL, the *server* names the file the client
 * must send, so a hostile or impersonated server could ask for any local file
 * (https://dev.mysql.com/doc/refman/8.4/en/load-data-local-security.html). carepool's connections answer
 * only with streams offered here under an unguessable one-shot name, and never read the file system.
 */
const offered = new Map<string, () => Readable>();

/** A stream offered to the next `LOAD DATA LOCAL INFILE '<name>'` statement. */
export interface InfileOffer {
  /** The name to put in the statement (a random token, not a path). */
  readonly name: string;
  /** Forgets the offer when the statement failed before the server asked for it. */
  withdraw(): void;
}

/** Offers the stream `open()` makes to one LOAD DATA LOCAL statement. */
export function offerInfile(open: () => Readable): InfileOffer {
  const name = `carepool-infile-${randomUUID()}`;
  offered.set(name, open);
  return { name, withdraw: () => offered.delete(name) };
}

/**
 * The driver's `infileStreamFactory`: the offered stream for `name` (once), or a stream that fails, so the
 * driver sends an empty file and the statement errors, for any name carepool did not offer.
 */
export function infileStream(name: string): Readable {
  const open = offered.get(name);
  if (open === undefined) {
    const refused = new Readable({ read() {} });
    process.nextTick(() =>
      refused.destroy(new Error(`the server asked for local file "${name}", which carepool did not offer`)),
    );
    return refused;
  }
  offered.delete(name);
  return open();
}

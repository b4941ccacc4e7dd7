/**
 * Reads without the Readable stream: Node reads a socket into one shared buffer and calls back at
 * once, on the main thread; each read is copied out into a fresh buffer before the callback
 * returns, so one buffer serves every connection. This skips the per-read allocation of a 64 KiB
 * buffer and the stream machinery ('data' events), a visible part of the CPU per proxied request.
 *
 * Outgoing HTTP connections get it from net.connect's public `onread` option (onreadOption).
 * Accepted connections have no such option, and the TCP engine's server connections are opened
 * without it: readDirectly() switches such a plain socket to the same mode by setting what the
 * option sets. Those properties are keyed by symbols private to Node's
 * net module, learned here from a socket made with the option, by identity of their values
 * rather than by name. Where that does not work (another Node, a TLS socket), nothing changes
 * and the socket keeps emitting 'data'.
 */
import { Socket } from 'node:net';

const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** A copy of the first `n` bytes of the shared buffer, which the next read overwrites. */
function copyOut(n: number): Buffer {
  const copy = Buffer.allocUnsafe(n);
  READ_BUFFER.copy(copy, 0, 0, n);
  return copy;
}

export type OnRead = { buffer: Buffer; callback: (n: number, buf: Uint8Array) => boolean };

/** The `onread` option for net.connect: each read reaches `deliver` as a buffer of its own. */
export function onreadOption(deliver: (d: Buffer) => void): OnRead {
  return {
    buffer: READ_BUFFER,
    callback: (n) => {
      deliver(copyOut(n));
      return true;
    },
  };
}

interface OnreadKeys {
  buffer: symbol;
  callback: symbol;
}

/** The symbols under which net.Socket keeps its `onread` buffer and callback (null: not found). */
function findOnreadKeys(): OnreadKeys | null {
  const buffer = Buffer.alloc(1);
  const callback = () => true;
  let probe: Socket | undefined;
  try {
    // net.connect passes its options, onread included, to this constructor; the types omit it.
    probe = new Socket({ onread: { buffer, callback } } as ConstructorParameters<typeof Socket>[0]);
    const own = probe as unknown as Record<symbol, unknown>;
    const symbols = Object.getOwnPropertySymbols(probe);
    const b = symbols.find((s) => own[s] === buffer);
    const c = symbols.find((s) => own[s] === callback);
    return b && c ? { buffer: b, callback: c } : null;
  } catch {
    return null;
  } finally {
    probe?.destroy();
  }
}

let keys: OnreadKeys | null | undefined;

type Handle = { useUserBuffer?: (b: Uint8Array) => void };

/**
 * Switches a plain (not TLS) socket, accepted or connected, to direct reads: from the next read
 * on, reads go to `deliver` and the socket emits no 'data' for them (data already in its stream
 * buffer, such as unshifted bytes, still comes as 'data'). 'end', 'error', 'close', pause() and
 * resume() work as before. Returns false, changing nothing, when this Node does not allow it.
 */
export function readDirectly(sock: Socket, deliver: (d: Buffer) => void): boolean {
  if ((sock as Socket & { encrypted?: boolean }).encrypted || !(sock instanceof Socket)) return false;
  const handle = (sock as unknown as { _handle?: Handle | null })._handle;
  if (!handle || typeof handle.useUserBuffer !== 'function') return false;
  keys ??= findOnreadKeys();
  if (!keys) return false;
  const { buffer, callback } = onreadOption(deliver);
  const own = sock as unknown as Record<symbol, unknown>;
  own[keys.buffer] = buffer;
  own[keys.callback] = callback;
  handle.useUserBuffer(buffer);
  return true;
}

/**
 * Moves what `from` reads to `to`, as `from.pipe(to)` does (back-pressure, `to.end()` after
 * `from`'s end), with direct reads where readDirectly allows them.
 */
export function relay(from: Socket, to: Socket): void {
  const deliver = (d: Buffer) => {
    if (!to.write(d)) from.pause();
  };
  readDirectly(from, deliver);
  from.on('data', deliver);
  to.on('drain', () => from.resume());
  from.on('end', () => to.end());
}

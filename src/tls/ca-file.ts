/**
 * `ca-file FILE` on a bind (client certificates) or a server (the server's chain): a PEM bundle of
 * CA certificates, possibly with CRLs. Read and checked when the configuration is loaded, as
 * HAProxy does, so that a missing or empty bundle is a configuration error and not a handshake
 * that fails later.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { CertError, errnoText, pemParts } from './certs.js';

/** The text of a CA bundle; throws CertError saying why it cannot be used. */
export function loadCaFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CertError(`unable to load CA file '${path}' : ${errnoText(e)}.`);
  }
  const { certs } = pemParts(text);
  const crls = /-----BEGIN X509 CRL-----/.test(text);
  if (certs.length === 0 && !crls) throw new CertError(`unable to load CA file '${path}' : no certificate or CRL found in it (expected '-----BEGIN CERTIFICATE-----' blocks).`);
  certs.forEach((c, i) => {
    try {
      new X509Certificate(c);
    } catch (e) {
      throw new CertError(`unable to load CA file '${path}' : certificate #${i + 1} in it is not valid (${(e as Error).message}).`);
    }
  });
  return text;
}

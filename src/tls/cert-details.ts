/**
 * The details `show ssl cert <file>` prints about a certificate, in HAProxy 2.6's words and order:
 * Filename, Status, Serial, notBefore, notAfter, Subject Alternative Name, Algorithm,
 * SHA1 FingerPrint, Subject, Issuer, a Chain Subject/Chain Issuer pair per chain certificate,
 * then the OCSP response key (always empty: portico does not staple OCSP responses).
 * node:crypto's X509Certificate supplies the fields; names are rewritten to HAProxy's one-line form.
 */
import { X509Certificate } from 'node:crypto';
import { pemParts } from './certs.js';

/**
 * A distinguished name as HAProxy prints it ("/C=FR/O=Example, Inc/CN=www.example.com": each
 * entry as `/SN=value`, values raw), from node's multi-line form, whose entries are separated by
 * newlines (and " + " inside a multi-valued RDN) and whose values escape `,+"\<>;`, leading `#`
 * or space and trailing space with a backslash, and control characters as `\XX`.
 */
export function dnOneLine(nodeName: string): string {
  const entries: string[] = [];
  let cur = '';
  for (let i = 0; i < nodeName.length; i++) {
    const ch = nodeName[i]!;
    if (ch === '\\' && i + 1 < nodeName.length) {
      const hex = nodeName.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        cur += String.fromCharCode(Number.parseInt(hex, 16));
        i += 2;
      } else {
        cur += nodeName[i + 1];
        i++;
      }
    } else if (ch === '\n') {
      entries.push(cur);
      cur = '';
    } else if (ch === ' ' && nodeName.startsWith(' + ', i)) {
      entries.push(cur);
      cur = '';
      i += 2;
    } else {
      cur += ch;
    }
  }
  if (cur !== '') entries.push(cur);
  return entries.map((e) => `/${e}`).join('');
}

/**
 * The DNS subjectAltNames joined by ", " as HAProxy writes them. HAProxy writes an empty item for
 * each name of another kind (IP, email, URI), so "DNS:a, , DNS:b" is what it prints for a
 * certificate with an IP address between two DNS names; portico writes the same.
 */
export function sanOneLine(subjectAltName: string | undefined): string {
  if (!subjectAltName) return '';
  return splitSan(subjectAltName)
    .map((item) => (item.startsWith('DNS:') ? `DNS:${unquote(item.slice(4))}` : ''))
    .join(', ');
}

/** node's subjectAltName: items separated by ", ", a value with special characters is a JSON string. */
function splitSan(text: string): string[] {
  const items: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '\\') {
      cur += ch + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === ',' && text[i + 1] === ' ') {
      items.push(cur);
      cur = '';
      i++;
      continue;
    }
    cur += ch;
  }
  items.push(cur);
  return items;
}

function unquote(v: string): string {
  if (!v.startsWith('"')) return v;
  try {
    return JSON.parse(v) as string;
  } catch {
    return v;
  }
}

/** "RSA2048", "EC256", "DSA2048" as HAProxy names key types; other types by their name ("ED25519"). */
export function keyAlgorithm(x: X509Certificate): string {
  const key = x.publicKey;
  const type = key.asymmetricKeyType ?? 'unknown';
  const d = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa' || type === 'dsa') return `${type.toUpperCase()}${d.modulusLength ?? 0}`;
  if (type === 'ec') return `EC${curveBits(d.namedCurve ?? '')}`;
  return type.toUpperCase();
}

/** The size of a named curve's order (what OpenSSL's EVP_PKEY_bits reports for EC keys). */
function curveBits(curve: string): number {
  const bits: Record<string, number> = { prime256v1: 256, prime192v1: 192, secp521r1: 521 };
  if (bits[curve]) return bits[curve]!;
  const m = /(\d{3})/.exec(curve);
  return m ? Number(m[1]) : 0;
}

export interface CertDetailsInput {
  /** The name shown on the Filename line (a transaction's name starts with `*`). */
  name: string;
  /** "Used" for a certificate some bind serves, "Unused" for a transaction. */
  status: 'Used' | 'Unused';
  /** The PEM text: the certificate, then its chain (a private key in it is ignored). */
  pem: string;
}

/** The text `show ssl cert <file>` answers, each line ending with a newline. */
export function certDetails(input: CertDetailsInput): string {
  const { certs } = pemParts(input.pem);
  const leaf = new X509Certificate(certs[0]!);
  const lines = [
    `Filename: ${input.name}`,
    `Status: ${input.status}`,
    `Serial: ${leaf.serialNumber.toUpperCase()}`,
    `notBefore: ${leaf.validFrom}`,
    `notAfter: ${leaf.validTo}`,
    `Subject Alternative Name: ${sanOneLine(leaf.subjectAltName)}`,
    `Algorithm: ${keyAlgorithm(leaf)}`,
    `SHA1 FingerPrint: ${leaf.fingerprint.replaceAll(':', '').toUpperCase()}`,
    `Subject: ${dnOneLine(leaf.subject)}`,
    `Issuer: ${dnOneLine(leaf.issuer)}`,
  ];
  for (const pem of certs.slice(1)) {
    const ca = new X509Certificate(pem);
    lines.push(`Chain Subject: ${dnOneLine(ca.subject)}`, `Chain Issuer: ${dnOneLine(ca.issuer)}`);
  }
  lines.push('OCSP Response Key: ');
  return lines.map((l) => `${l}\n`).join('');
}

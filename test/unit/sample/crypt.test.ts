import { describe, expect, it } from 'vitest';
import { crypt, verifyCrypt } from '../../../src/sample/crypt.js';

// Reference hashes produced by `openssl passwd -6|-5|-1 -salt SALT PASSWORD`.
const VECTORS: [string, string][] = [
  ['password', '$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/'],
  ['longpasswordwithmorethan32bytes_abcdefghijklmnopqrstuvwxyz', '$5$abc$KVxiUSNfIlDHnu8aJgr1cF.A/UcB7G36zNrHNztJ2tA'],
  ['x', '$1$xyz12345$LLD0HxOmgVE6rg9QHSYr.0'],
  ['secret', '$6$rounds=1000$ab$3tLFZOSDxcyiDWcYSrieU1uloXMcbPJQRTcotZNqEJiB1iizwjzbn2jECOCvw6wslPpiTPzli2jppqTUXUq9N0'],
  ['pw', '$5$0123456789abcdef$nQeWGJveUL7jlr94v7ZnhFSJ8cRx.CTNSEnVWA95G.C'],
];

describe('crypt', () => {
  it.each(VECTORS)('reproduces %s → %s', (pw, hash) => {
    expect(crypt(pw, hash)).toBe(hash);
    expect(verifyCrypt(pw, hash)).toBe(true);
    expect(verifyCrypt(pw + 'x', hash)).toBe(false);
  });
  it('reports unsupported schemes as undefined', () => {
    expect(verifyCrypt('pw', '$y$j9T$abc$def')).toBeUndefined();
    expect(verifyCrypt('pw', '$2b$10$abcdefghijklmnopqrstuv')).toBeUndefined();
    expect(verifyCrypt('pw', 'abJnggxhB/yWI')).toBeUndefined();
  });
});

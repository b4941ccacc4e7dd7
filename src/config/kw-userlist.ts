/** Keywords of `userlist` sections (users and groups for http_auth) and `http-errors` sections. */
import { addKeywords } from './keywords.js';
import { readable } from '../proxy/kw-rules.js';

addKeywords('userlist', [
  {
    name: 'group',
    sections: ['userlist'],
    support: 'full',
    parse(ctx) {
      if (ctx.section.kind !== 'userlist') return;
      const [, name, kw, list] = ctx.args;
      if (!name) return ctx.alert(`'group' expects <name> as argument.`);
      if (kw !== undefined && (kw !== 'users' || list === undefined)) return ctx.alert(`'group ${name}' : expects 'users' followed by a comma-separated list of users (got '${kw}').`);
      const ul = ctx.section.userlist;
      if (ul.groups.some((g) => g.name === name)) return ctx.warning(`ignoring duplicated group '${name}' in userlist '${ul.name}'.`);
      ul.groups.push({ name, users: list ? list.split(',').filter(Boolean) : [], where: ctx.where });
    },
  },
  {
    name: 'user',
    sections: ['userlist'],
    support: 'full',
    parse(ctx) {
      if (ctx.section.kind !== 'userlist') return;
      const ul = ctx.section.userlist;
      const name = ctx.args[1];
      if (!name) return ctx.alert(`'user' expects <name> as argument.`);
      if (ul.users.some((u) => u.name === name)) return ctx.warning(`ignoring duplicated user '${name}' in userlist '${ul.name}'.`);
      const user = { name, password: '', insecure: false, groups: [] as string[], where: ctx.where };
      const words = ctx.args.slice(2);
      for (let i = 0; i < words.length; i += 2) {
        const kw = words[i]!;
        const v = words[i + 1];
        if (v === undefined) return ctx.alert(`'user ${name}' : '${kw}' expects an argument.`);
        if (kw === 'password' || kw === 'insecure-password') {
          user.password = v;
          user.insecure = kw === 'insecure-password';
        } else if (kw === 'groups') {
          user.groups = v.split(',').filter(Boolean);
        } else {
          return ctx.alert(`'user ${name}' : unknown keyword '${kw}' (expected 'password', 'insecure-password' or 'groups').`);
        }
      }
      ul.users.push(user);
    },
  },
  {
    name: 'errorfile',
    sections: ['http-errors'],
    support: 'parsed',
    parse(ctx) {
      if (ctx.section.kind !== 'http-errors') return;
      const code = ctx.args[1];
      const file = ctx.args[2];
      if (!code || !/^\d{3}$/.test(code) || !file) return ctx.alert(`'errorfile' expects <status_code> and <file> as arguments.`);
      const path = file.startsWith('/') ? file : `${ctx.baseDir}/${file}`;
      if (!readable(path)) return ctx.alert(`errorfile : error opening file '${file}'.`);
      ctx.section.httpErrors.errorfiles[Number(code)] = { file: path, where: ctx.where };
    },
  },
]);

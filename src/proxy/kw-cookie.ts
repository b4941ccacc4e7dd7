/** `cookie NAME mode [options]`: persistence cookie settings of a backend. */
import { parseTime } from '../core/time.js';
import { addKeywords } from '../config/keywords.js';
import { proxyKeyword } from '../config/proxy-keyword.js';
import type { CookieConfig } from '../config/model.js';

addKeywords('persistence', [
  proxyKeyword('cookie', {
    support: 'parsed',
    note: 'cookie persistence runs with the persistence module',
    parse(ctx, proxy) {
      const name = ctx.args[1];
      if (!name) return ctx.alert(`'cookie' expects <cookie_name> as argument.`);
      const c: CookieConfig = {
        where: ctx.where,
        name,
        mode: 'passive',
        indirect: false,
        nocache: false,
        postonly: false,
        preserve: false,
        httponly: false,
        secure: false,
        dynamic: false,
        domains: [],
        attrs: [],
      };
      let modes = 0;
      const words = ctx.args.slice(2);
      for (let i = 0; i < words.length; i++) {
        const w = words[i]!;
        const value = (): string | undefined => {
          const v = words[i + 1];
          if (v === undefined) ctx.alert(`'cookie' : '${w}' expects an argument.`);
          i++;
          return v;
        };
        switch (w) {
          case 'rewrite':
          case 'insert':
          case 'prefix':
            c.mode = w;
            modes++;
            break;
          case 'indirect':
          case 'nocache':
          case 'postonly':
          case 'preserve':
          case 'httponly':
          case 'secure':
          case 'dynamic':
            c[w] = true;
            break;
          case 'domain': {
            const d = value();
            if (d === undefined) return;
            c.domains.push(d);
            break;
          }
          case 'maxidle':
          case 'maxlife': {
            const v = value();
            if (v === undefined) return;
            const t = parseTime(v);
            if (typeof t !== 'number') return ctx.alert(`'cookie' : '${w}': ${t.error}.`);
            c[w] = t;
            break;
          }
          case 'attr': {
            const v = value();
            if (v === undefined) return;
            if (/[;\x00-\x1f]/.test(v)) return ctx.alert(`'cookie' : 'attr' value '${v}' contains a forbidden character (';' or a control character).`);
            c.attrs.push(v);
            break;
          }
          default:
            return ctx.alert(
              `'cookie' supports 'rewrite', 'insert', 'prefix', 'indirect', 'nocache', 'postonly', 'domain', 'maxidle', 'dynamic', 'maxlife' and 'attr' options (got '${w}').`,
            );
        }
      }
      if (modes > 1) return ctx.alert(`cookie 'rewrite', 'insert' and 'prefix' modes are incompatible.`);
      if (c.mode === 'rewrite' && c.indirect) return ctx.alert(`cookie 'rewrite' and 'indirect' modes are incompatible.`);
      if (c.preserve && c.mode !== 'insert' && !c.indirect) return ctx.alert(`cookie 'preserve' requires at least 'insert' or 'indirect'.`);
      // Like HAProxy, insert-only options (nocache, postonly, maxidle...) are accepted in other modes, where they do nothing.
      proxy.cookie = c;
    },
  }),
]);

// util.js - small DOM helpers shared by every page: an element builder that
// never interprets text as HTML (all record text is untrusted), date
// formatting, and snippet marking.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const SVGNS = 'http://www.w3.org/2000/svg';
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVGNS, tag);
  if (attrs) for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/* A link handled by the router (history navigation, no reload). */
export function link(href, ...children) {
  return h('a', { href, 'data-nav': true }, ...children);
}

/* "text with [match] in it" -> nodes with <mark>. */
export function marked(snippet) {
  const out = [];
  const re = /\[([^\]]*)\]/g;
  let last = 0, m;
  while ((m = re.exec(snippet)) !== null) {
    if (m.index > last) out.push(snippet.slice(last, m.index));
    out.push(h('mark', null, m[1]));
    last = re.lastIndex;
  }
  if (last < snippet.length) out.push(snippet.slice(last));
  return out;
}

export function interval(t) {
  if (!t) return '';
  const span = t.start === t.end ? t.start : `${t.start} – ${t.end}`;
  return t.precision && t.precision !== 'day' ? `${span} (${t.precision})` : span;
}

export function shortId(id) {
  const i = id.indexOf('-');
  return i < 0 ? id.slice(0, 12) : id.slice(0, i + 9) + '…';
}

export function clear(el) { while (el.firstChild) el.firstChild.remove(); return el; }

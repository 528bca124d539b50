/* Injab Bot — floating chat button for the association's website.
 *   <script src="https://BOT_HOST/embed.js" defer></script>
 * Optional attributes on that tag: data-lang="ar|en" (default: the page's <html lang>),
 * data-side="left|right" (default: left on RTL pages, right on LTR pages), data-color="#0b6a66".
 * The chat page loads lazily in an iframe on first open. window.InjabChat = { open, close, toggle }. */
(() => {
  'use strict';
  if (window.InjabChat) return;
  const d = document;
  const script = d.currentScript ||
    Array.from(d.scripts).reverse().find((s) => /\/embed\.js(?:[?#]|$)/.test(s.src));
  if (!script || !script.src) return;

  const base = new URL('./', script.src);
  const cfg = script.dataset;
  const lang = String(cfg.lang || d.documentElement.lang || 'ar').toLowerCase().startsWith('en') ? 'en' : 'ar';
  const T = lang === 'en'
    ? { open: 'Chat with Injab Association', title: 'Injab Association chat' }
    : { open: 'تحدّث مع جمعية إنجاب', title: 'محادثة جمعية إنجاب' };
  const color = /^#[0-9a-f]{3,8}$/i.test(cfg.color || '') ? cfg.color : '#0b6a66';
  const NS = 'http://www.w3.org/2000/svg';
  const Z = '2147483000';
  let frame = null;
  let isOpen = false;

  const icon = (path) => {
    const svg = d.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '28');
    svg.setAttribute('height', '28');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const p = d.createElementNS(NS, 'path');
    p.setAttribute('d', path);
    p.setAttribute('fill', 'none');
    p.setAttribute('stroke', 'currentColor');
    p.setAttribute('stroke-width', '2');
    p.setAttribute('stroke-linecap', 'round');
    p.setAttribute('stroke-linejoin', 'round');
    svg.appendChild(p);
    return svg;
  };
  const chatIcon = icon('M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.5-4.9A8 8 0 1 1 21 12Z');
  const closeIcon = icon('M6 6l12 12M18 6 6 18');

  const btn = d.createElement('button');
  btn.type = 'button';
  btn.setAttribute('aria-label', T.open);
  btn.setAttribute('aria-expanded', 'false');
  btn.setAttribute('aria-controls', 'injab-chat-panel');
  btn.title = T.open;
  btn.appendChild(chatIcon);

  const panel = d.createElement('div');
  panel.id = 'injab-chat-panel';
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', T.title);
  panel.hidden = true;

  const small = window.matchMedia('(max-width: 520px)');

  function isRtl() {
    if (cfg.side === 'left' || cfg.side === 'right') return cfg.side === 'left';
    const el = d.body || d.documentElement;
    return (d.documentElement.dir || getComputedStyle(el).direction) === 'rtl';
  }

  function layout() {
    const left = isRtl();
    const side = left ? 'left' : 'right';
    const other = left ? 'right' : 'left';
    Object.assign(btn.style, {
      all: 'initial',
      position: 'fixed', bottom: '20px', [side]: '20px', [other]: 'auto',
      width: '60px', height: '60px', borderRadius: '50%', border: '0', margin: '0', padding: '0',
      display: isOpen && small.matches ? 'none' : 'flex', alignItems: 'center', justifyContent: 'center',
      background: color, color: '#fff', cursor: 'pointer', zIndex: Z,
      boxShadow: '0 6px 20px rgba(0,0,0,.25)', boxSizing: 'border-box',
    });
    const box = small.matches
      ? { top: '0', bottom: '0', left: '0', right: '0', width: '100%', height: '100%', borderRadius: '0' }
      : { top: 'auto', bottom: '92px', [side]: '20px', [other]: 'auto',
        width: 'min(400px, calc(100vw - 40px))', height: 'min(660px, calc(100vh - 112px))', borderRadius: '16px' };
    Object.assign(panel.style, {
      all: 'initial',
      position: 'fixed', zIndex: Z, overflow: 'hidden', background: '#fff',
      boxShadow: '0 12px 40px rgba(0,0,0,.28)', display: isOpen ? 'block' : 'none',
    }, box);
  }

  function open() {
    if (isOpen) return;
    isOpen = true;
    if (!frame) {
      frame = d.createElement('iframe');
      frame.title = T.title;
      frame.src = new URL('./?embed=1&lang=' + lang, base).href;
      Object.assign(frame.style, { border: '0', width: '100%', height: '100%', display: 'block' });
      panel.appendChild(frame);
    }
    panel.hidden = false;
    btn.replaceChild(closeIcon, chatIcon);
    btn.setAttribute('aria-expanded', 'true');
    layout();
    setTimeout(() => frame.focus(), 50);
  }

  function close() {
    if (!isOpen) return;
    isOpen = false;
    panel.hidden = true;
    btn.replaceChild(chatIcon, closeIcon);
    btn.setAttribute('aria-expanded', 'false');
    layout();
    btn.focus();
  }

  const toggle = () => (isOpen ? close() : open());
  btn.addEventListener('click', toggle);
  btn.addEventListener('focus', () => {
    let kb = true;
    try { kb = btn.matches(':focus-visible'); } catch { /* old browser */ }
    if (kb) btn.style.outline = '3px solid #1450a3'; btn.style.outlineOffset = '3px';
  });
  btn.addEventListener('blur', () => { btn.style.outline = 'none'; });
  d.addEventListener('keydown', (e) => { if (e.key === 'Escape' && isOpen) close(); });
  window.addEventListener('message', (e) => {
    if (e.origin === base.origin && frame && e.source === frame.contentWindow && e.data && e.data.type === 'injab:close') close();
  });
  if (small.addEventListener) small.addEventListener('change', layout);

  function mount() {
    layout();
    d.body.appendChild(panel);
    d.body.appendChild(btn);
  }
  if (d.body) mount(); else d.addEventListener('DOMContentLoaded', mount);

  window.InjabChat = { open, close, toggle };
})();

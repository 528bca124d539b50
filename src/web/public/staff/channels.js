/* Injab Bot — staff console, the Channels view (admins): each channel's connection state, and the
 * WhatsApp Web pairing QR while it waits to be linked. staff.js owns the tabs and tells this file
 * which view is open (`staff:view`) and when the language changes (`staff:lang`); while the view is
 * open and the page visible, this file asks GET /staff/api/channels every 5 seconds.
 * Values from the API reach the page through textContent and attributes. The QR is an SVG our
 * server renders with the qrcode library; it is shown as an <img> with a data: URL (the console's
 * CSP allows `img-src data:`), so it is never parsed into the page.
 * Strings live in i18n.js under `channelStatus` (channel names under `channels`); the shared helpers
 * in view-kit.js. */
(() => {
  'use strict';

  const { $, has, lang, el, call, channelName, applyStrings, mount, LOCALES } = self.StaffViewKit;
  const { t, table: strings } = self.StaffViewKit.texts('channelStatus');
  const POLL_MS = 5000;
  const STATES = ['connecting', 'pairing', 'connected', 'disconnected', 'standby', 'polling', 'webhook', 'unknown'];

  const view = {
    open: false,
    timer: 0,
    seq: 0,
    items: null,
    error: '',
    updatedAt: null,
    /** channel → { node, parts, svg } */
    cards: new Map(),
  };

  // ---------------------------------------------------------------- strings
  /** A label from a group of the view (states, hints, details); empty when there is none. */
  function label(group, value) {
    const g = strings(lang())[group];
    return has(g, value) && typeof g[value] === 'string' ? g[value] : '';
  }

  function formatters() {
    const loc = LOCALES[lang()];
    const opts = { numberingSystem: 'latn' };
    let rtf = null;
    try { rtf = new Intl.RelativeTimeFormat(loc, { numeric: 'auto', ...opts }); } catch { /* old browser */ }
    return {
      time: new Intl.DateTimeFormat(loc, { hour: 'numeric', minute: '2-digit', ...opts }),
      dateTime: new Intl.DateTimeFormat(loc, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', calendar: 'gregory', ...opts }),
      rtf,
    };
  }

  function ago(date, f) {
    const s = Math.max(0, Math.round((Date.now() - date.getTime()) / 1000));
    if (!f.rtf) return '';
    if (s < 60) return f.rtf.format(0, 'second');
    if (s < 3600) return f.rtf.format(-Math.floor(s / 60), 'minute');
    if (s < 86400) return f.rtf.format(-Math.floor(s / 3600), 'hour');
    return f.rtf.format(-Math.floor(s / 86400), 'day');
  }

  const applyStaticStrings = () => applyStrings('channels', t);

  // ---------------------------------------------------------------- data
  async function load() {
    const mine = ++view.seq;
    const { status, data } = await call('/channels');
    if (mine !== view.seq || !view.open) return;
    if (status === 401 || status === 403) {
      // staff.js notices an ended session itself; a role that lost admin sees why nothing shows.
      stopPolling();
      view.items = null;
      view.error = status === 403 ? 'forbidden' : '';
    } else if (status < 200 || status > 299 || !data || !Array.isArray(data.items)) {
      view.error = 'loadFailed';
    } else {
      view.items = data.items;
      view.error = '';
      view.updatedAt = new Date();
    }
    render();
  }

  function startPolling() {
    if (view.open) return;
    view.open = true;
    load();
    view.timer = setInterval(() => { if (!document.hidden) load(); }, POLL_MS);
  }

  function stopPolling() {
    clearInterval(view.timer);
    view.timer = 0;
  }

  /** Leaves the view: stops asking and forgets what it showed (the QR included). */
  function close() {
    view.open = false;
    view.seq += 1;
    stopPolling();
    view.items = null;
    view.error = '';
    view.updatedAt = null;
    view.cards.clear();
    const list = $('channel-list');
    if (list) list.replaceChildren();
  }

  // ---------------------------------------------------------------- rendering
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  function buildCard(channel) {
    const node = el('li', { class: 'channel-card' });
    node.dataset.channel = channel;
    const head = el('div', { class: 'channel-head' });
    const name = el('h3', { class: 'channel-name' });
    const badge = el('span', { class: 'channel-badge' });
    head.append(name, badge);
    const since = el('p', { class: 'channel-since' });
    const time = el('time');
    const sinceAgo = el('span', { class: 'muted' });
    since.append(time, ' ', sinceAgo);
    const detail = el('p', { class: 'channel-detail' });
    const hint = el('p', { class: 'channel-hint muted' });
    const pair = el('figure', { class: 'channel-pair' });
    const qr = el('img', { class: 'channel-qr' });
    qr.decoding = 'async';
    const caption = el('figcaption');
    const pairTitle = el('strong', { class: 'channel-pair-title' });
    const pairSteps = el('span', { class: 'channel-pair-steps' });
    const pairNote = el('span', { class: 'channel-pair-note muted' });
    caption.append(pairTitle, pairSteps, pairNote);
    pair.append(qr, caption);
    node.append(head, since, detail, hint, pair);
    return { node, parts: { name, badge, since, time, sinceAgo, detail, hint, pair, qr, pairTitle, pairSteps, pairNote }, svg: '' };
  }

  function svgUrl(svg) {
    try {
      return `data:image/svg+xml;base64,${btoa(svg)}`;
    } catch {
      return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    }
  }

  function renderCard(card, item, f) {
    const p = card.parts;
    const state = STATES.includes(item.state) ? item.state : 'unknown';
    card.node.dataset.state = state;
    p.badge.dataset.state = state;
    setText(p.name, channelName(item.channel));
    setText(p.badge, label('states', state) || state);

    const since = item.since ? new Date(item.since) : null;
    const valid = since && !Number.isNaN(since.getTime());
    p.since.hidden = !valid;
    if (valid) {
      const sameDay = since.toDateString() === new Date().toDateString();
      p.time.dateTime = item.since;
      p.time.title = f.dateTime.format(since);
      setText(p.time, t('since', { time: (sameDay ? f.time : f.dateTime).format(since) }));
      const rel = ago(since, f);
      setText(p.sinceAgo, rel ? `(${rel})` : '');
    }

    const detail = typeof item.detail === 'string' ? item.detail : '';
    setText(p.detail, detail ? label('details', detail) || detail : '');
    p.detail.hidden = !detail;
    if (detail) p.detail.lang = label('details', detail) ? lang() : 'en';
    const hint = label('hints', state);
    setText(p.hint, hint);
    p.hint.hidden = !hint;

    const svg = state === 'pairing' && typeof item.qrSvg === 'string' ? item.qrSvg : '';
    if (svg !== card.svg) {
      card.svg = svg;
      if (svg) p.qr.src = svgUrl(svg);
      else p.qr.removeAttribute('src');
    }
    p.pair.hidden = !svg;
    p.qr.alt = t('qrAlt');
    setText(p.pairTitle, t('pairTitle'));
    setText(p.pairSteps, t('pairSteps'));
    setText(p.pairNote, t('pairNote'));
  }

  function render() {
    const list = $('channel-list');
    if (!list) return;
    applyStaticStrings();
    const error = $('channels-error');
    setText(error, view.error ? t(view.error) : '');
    error.hidden = !view.error;
    list.setAttribute('aria-busy', String(view.open && view.items === null && !view.error));
    const items = view.items || [];
    const f = formatters();
    const wanted = [];
    for (const item of items) {
      if (!item || typeof item.channel !== 'string') continue;
      let card = view.cards.get(item.channel);
      if (!card) {
        card = buildCard(item.channel);
        view.cards.set(item.channel, card);
      }
      renderCard(card, item, f);
      wanted.push(card.node);
    }
    for (const [channel, card] of view.cards) if (!wanted.includes(card.node)) view.cards.delete(channel);
    const same = wanted.length === list.children.length && wanted.every((node, i) => list.children[i] === node);
    if (!same) list.replaceChildren(...wanted);
    setText($('channels-updated'), view.updatedAt ? t('updated', { time: f.time.format(view.updatedAt) }) : '');
  }

  // ---------------------------------------------------------------- wiring
  mount({
    tab: 'channels',
    isOpen: () => view.open,
    open: startPolling,
    close,
    lang: render,
    setup() {
      applyStaticStrings();
      document.addEventListener('visibilitychange', () => { if (view.open && !document.hidden) load(); });
      const refresh = $('channels-refresh');
      if (refresh) refresh.addEventListener('click', () => { if (view.open) load(); });
    },
  });
})();

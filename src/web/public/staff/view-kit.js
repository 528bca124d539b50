/* Injab Bot — staff console, what the views drawn by their own files share (channels.js,
 * satisfaction.js, bookings.js, volunteers.js, feedback.js): strings of a section of i18n.js,
 * dates and numbers in the console's language, building elements, calling the staff API, and being
 * told by staff.js which view is open (`staff:view`), the language (`staff:lang`) and live events
 * (`staff:event`). Loaded after i18n.js and before the views; exposes one object, `self.StaffViewKit`.
 * Plain ES2020, no dependencies. Text always goes in through textContent, never parsed as HTML. */
(function (root) {
  'use strict';

  const API = '/staff/api';
  const LOCALES = { ar: 'ar', en: 'en-GB' };

  const $ = (id) => document.getElementById(id);
  const has = (o, k) => !!o && Object.prototype.hasOwnProperty.call(o, k);
  /** The console's language, as staff.js set it on <html lang>. */
  const lang = () => (document.documentElement.lang === 'en' ? 'en' : 'ar');

  // ---------------------------------------------------------------- strings
  /**
   * The strings of one section of i18n.js (`bookings`, `feedback`, …) in the current language.
   * `t(key, {name})` fills `{name}`; a key missing in English falls back to Arabic, as in staff.js,
   * and a key missing in both gives the key. `label(group, value)` names a value from a group of the
   * section (statuses, kinds, …), or gives the raw value.
   * @example const { t, label } = StaffViewKit.texts('bookings'); t('savedMove', { reference });
   */
  function texts(section) {
    const table = (l) => (root.STAFF_I18N[l] && root.STAFF_I18N[l][section]) || {};
    function t(key, params) {
      let s = has(table(lang()), key) ? table(lang())[key] : table('ar')[key];
      if (typeof s !== 'string') return key;
      if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] === undefined || params[k] === null ? m : String(params[k])));
      return s;
    }
    function label(group, value) {
      const g = table(lang())[group];
      return has(g, value) ? g[value] : String(value);
    }
    return { t, label, table };
  }

  /** A channel's name from the shared `channels` section. */
  function channelName(channel) {
    const names = (root.STAFF_I18N[lang()] || root.STAFF_I18N.ar).channels;
    return has(names, channel) ? names[channel] : channel;
  }

  /**
   * Fills the page's fixed text of a view: `data-{prefix}-i18n="key"` sets the text and
   * `data-{prefix}-i18n-attr="attr:key;attr:key"` attributes, through the view's `t`.
   */
  function applyStrings(prefix, t) {
    const textAttr = `data-${prefix}-i18n`;
    const attrAttr = `data-${prefix}-i18n-attr`;
    for (const node of document.querySelectorAll(`[${textAttr}]`)) node.textContent = t(node.getAttribute(textAttr));
    for (const node of document.querySelectorAll(`[${attrAttr}]`)) {
      for (const pair of node.getAttribute(attrAttr).split(';')) {
        const [attr, key] = pair.split(':');
        if (attr && key) node.setAttribute(attr, t(key));
      }
    }
  }

  // ---------------------------------------------------------------- numbers and dates
  const numberFormats = new Map();
  const dateFormats = new Map();

  /** A whole number with Latin digits in the console's language. */
  function formatNumber(n) {
    const l = lang();
    if (!numberFormats.has(l)) numberFormats.set(l, new Intl.NumberFormat(LOCALES[l], { numberingSystem: 'latn' }));
    return numberFormats.get(l).format(n);
  }

  /**
   * A date (an ISO string or a Date) in Riyadh's time and the Gregorian calendar, with the time of
   * day when `withTime`; empty for a missing or invalid date.
   */
  function formatDate(value, withTime = false) {
    const d = value ? new Date(value) : null;
    if (!d || Number.isNaN(d.getTime())) return '';
    const key = `${lang()}|${withTime}`;
    if (!dateFormats.has(key)) {
      const time = withTime ? { hour: 'numeric', minute: '2-digit' } : {};
      dateFormats.set(key, new Intl.DateTimeFormat(LOCALES[lang()], { year: 'numeric', month: 'short', day: 'numeric', ...time, timeZone: 'Asia/Riyadh', calendar: 'gregory', numberingSystem: 'latn' }));
    }
    return dateFormats.get(key).format(d);
  }

  // ---------------------------------------------------------------- DOM
  /**
   * Builds an element. In `attrs`, `text` sets textContent, `class` the class, other keys are
   * attributes (`true` as an empty attribute; null, undefined and false are left out). Children are
   * nodes or strings (as text), arrays of them, or null/false (left out).
   * @example el('span', { class: 'chip', 'data-kind': kind, text: label('kinds', kind) })
   */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = String(value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child);
    return node;
  }

  /** Shows `text` in an error line, or hides the line when there is none. */
  function showError(node, text) {
    node.textContent = text || '';
    node.hidden = !text;
  }

  /** A filter <select>: an "all" option (value '') then `[value, text]` pairs, with `chosen` selected. */
  function fillSelect(select, all, options, chosen) {
    select.replaceChildren(el('option', { value: '', text: all }), ...options.map(([value, text]) => el('option', { value, text })));
    select.value = chosen;
  }

  /** A status chip; `kind` is the view's own class (`bk-status`, `fb-status`), CSS colours by `data-status`. */
  const statusBadge = (kind, status, text) => el('span', { class: `status-badge ${kind}`, 'data-status': status, text });

  /** The chip naming a conversation's channel. */
  const channelChip = (channel) => el('span', { class: 'chip channel', text: channelName(channel) });

  /**
   * Checks that a note or answer field is filled before sending: if it is blank, marks it invalid,
   * shows `message` in `error` and puts the focus on it. Returns whether it may be sent.
   */
  function requireFilled(field, error, message) {
    if (!field.value.trim()) {
      field.setAttribute('aria-invalid', 'true');
      showError(error, message);
      field.focus();
      return false;
    }
    field.removeAttribute('aria-invalid');
    showError(error, '');
    return true;
  }

  /** Shows a submit button as working (`busy`) or ready again, with its label. */
  function setBusy(button, busy, text) {
    button.disabled = busy;
    button.textContent = text;
  }

  // ---------------------------------------------------------------- API
  /**
   * Calls the staff API (`path` under /staff/api) with the session cookie; a `body` is sent as JSON.
   * Never throws: gives `{status, data}`, status 0 when the network failed, data null when the answer
   * was not JSON. staff.js notices an ended session on its own.
   */
  async function call(path, { method = 'GET', body } = {}) {
    const init = { method, credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(API + path, init);
    } catch {
      return { status: 0, data: null };
    }
    let data = null;
    try { data = await res.json(); } catch { /* not JSON */ }
    return { status: res.status, data };
  }

  /**
   * Loads a page of a paged list (`GET {path}?…` answering `{items, total}`) into `list`, an object
   * with `items`, `total`, `loaded` and `error`: the first page again — as many items as are shown,
   * up to 200, so a refresh keeps the place — or, with `more`, the next `page` items. Empty
   * `filters` are left out; `busy` is marked aria-busy while waiting. Returns null when `stale()`
   * says the answer is no longer wanted (the view was left, or a newer load began), else whether it
   * worked and the answer; a failure puts `failed(status)` in `list.error`.
   */
  async function loadPage(list, { path, filters = {}, page, more = false, busy, stale, failed }) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
    query.set('limit', String(more ? page : Math.min(200, Math.max(page, list.items.length))));
    query.set('offset', String(more ? list.items.length : 0));
    busy.setAttribute('aria-busy', 'true');
    const { status, data } = await call(`${path}?${query}`);
    if (stale()) return null;
    busy.setAttribute('aria-busy', 'false');
    const ok = status === 200 && !!data && Array.isArray(data.items);
    if (ok) {
      list.items = more ? list.items.concat(data.items) : data.items;
      list.total = typeof data.total === 'number' ? data.total : list.items.length;
      list.loaded = true;
      list.error = '';
    } else {
      list.error = failed(status);
    }
    return { ok, status, data };
  }

  // ---------------------------------------------------------------- wiring
  /**
   * Calls `run` once, `ms` after the last `schedule(...args)` (a burst of live events makes one
   * reload); `cancel()` drops a pending call, for a view being left.
   */
  function debounce(ms, run) {
    let timer = 0;
    return {
      schedule(...args) {
        clearTimeout(timer);
        timer = setTimeout(() => run(...args), ms);
      },
      cancel() {
        clearTimeout(timer);
      },
    };
  }

  /**
   * Connects a view to staff.js once the page is parsed.
   * - `tab`: the view's tab; its panel is `#panel-{tab}`.
   * - `open()`, `close()`, `isOpen()`: entering and leaving the view. By default `staff:view` opens it
   *   on its tab, and closes it when another tab is shown while it is open or on sign-out (tab null),
   *   then calls `signedOut()` if given (to forget filters). `view(tab)` replaces that rule.
   * - `setup()`: runs first — fixed strings and the view's own listeners.
   * - `lang()`: on `staff:lang`. `live(detail)`: on `staff:event`, with `{type, id}`.
   * The view is opened at once if staff.js showed its panel before this file ran.
   */
  function mount(options) {
    const { tab, open, close, isOpen, signedOut, setup, lang: onLang, live } = options;
    const onView = options.view || ((shown) => {
      if (shown === tab) open();
      else if (isOpen() || shown === null) {
        close();
        if (shown === null && signedOut) signedOut();
      }
    });
    function start() {
      if (setup) setup();
      document.addEventListener('staff:view', (event) => onView(event.detail && event.detail.tab));
      if (onLang) document.addEventListener('staff:lang', () => onLang());
      if (live) document.addEventListener('staff:event', (event) => live(event.detail || {}));
      const panel = $(`panel-${tab}`);
      if (panel && !panel.hidden) open();
    }
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  }

  root.StaffViewKit = Object.freeze({
    API,
    LOCALES,
    $,
    has,
    lang,
    texts,
    channelName,
    applyStrings,
    formatNumber,
    formatDate,
    el,
    showError,
    fillSelect,
    statusBadge,
    channelChip,
    requireFilled,
    setBusy,
    call,
    loadPage,
    debounce,
    mount,
  });
})(typeof self !== 'undefined' ? self : globalThis);

/* Injab Bot — staff console (/staff): conversations handed to a person, support requests, and for
 * admins the staff accounts and the audit log. Plain ES2020, no dependencies, no build step; every
 * value from the API reaches the page through textContent / attributes, never parsed as HTML.
 * Strings live in i18n.js (`self.STAFF_I18N`). */
(() => {
  'use strict';

  const I18N = self.STAFF_I18N;
  const API = '/staff/api';
  const LANG_KEY = 'injab.staff.lang';
  const LOCALES = { ar: 'ar', en: 'en-GB' };
  const DEBOUNCE_MS = 200;
  const POLL_MS = 60_000;
  const TICK_MS = 30_000;
  const TOAST_MS = 9000;
  const LONG_WAIT_S = 10 * 60;
  const AUDIT_PAGE = 50;

  const REQUEST_STATUSES = ['submitted', 'under_review', 'needs_documents', 'accepted', 'rejected', 'completed', 'withdrawn'];
  const REQUIRED_DOCUMENTS = ['id_copies', 'marriage_contract', 'medical_reports', 'income_proof'];
  const ROLES = ['researcher', 'officer', 'admin'];
  const FILTERS = {
    waiting: { status: 'waiting' },
    mine: { status: 'active', mine: 'true' },
    active: { status: 'active' },
    resolved: { status: 'resolved' },
  };
  const EVENT_TYPES = ['handoff.created', 'handoff.claimed', 'handoff.message', 'handoff.released', 'handoff.resolved', 'request.status_changed', 'outbound.failed', 'survey.followup_opened', 'survey.followup_done',
    'booking.requested', 'booking.changed', 'volunteer.registered', 'volunteer.changed', 'feedback.received', 'feedback.answered'];
  // `channels`, `satisfaction`, `bookings`, `volunteers` and `feedback` are drawn by their own files,
  // told through the `staff:view` / `staff:lang` events below (and their live events through `staff:event`).
  const TABS = ['inbox', 'requests', 'bookings', 'volunteers', 'feedback', 'satisfaction', 'staff', 'audit', 'channels'];
  const ADMIN_TABS = new Set(['staff', 'audit', 'channels']);
  const SUPERVISOR_TABS = new Set(['satisfaction', 'volunteers']);
  const VIEW_EVENT = /^(survey|booking|volunteer|feedback)\./;
  const isSupervisor = (me) => !!me && (me.role === 'officer' || me.role === 'admin');

  // ---------------------------------------------------------------- DOM helpers
  const $ = (id) => document.getElementById(id);
  const root = document.documentElement;

  /** Builds an element; `text` sets textContent, `dataset` data-*, other keys are attributes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [key, value] of Object.entries(attrs)) {
        if (value === null || value === undefined || value === false) continue;
        if (key === 'class') node.className = value;
        else if (key === 'text') node.textContent = String(value);
        else if (key === 'dataset') Object.assign(node.dataset, value);
        else node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  const store = {
    get(k) { try { return localStorage.getItem(k); } catch { return null; } },
    set(k, v) { try { localStorage.setItem(k, v); } catch { /* private mode */ } },
  };

  // ---------------------------------------------------------------- language
  let lang = store.get(LANG_KEY) === 'en' ? 'en' : 'ar';
  const dict = () => I18N[lang] || I18N.ar;

  function t(key, params) {
    let s = dict().ui[key];
    if (s === undefined) s = I18N.ar.ui[key];
    if (s === undefined) return key;
    if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] === undefined || params[k] === null ? m : String(params[k])));
    return s;
  }

  /** A label from one of the i18n groups (statuses, roles, channels…), or the raw value. */
  function label(group, value) {
    if (value === null || value === undefined || value === '') return '';
    const g = dict()[group];
    return (g && Object.prototype.hasOwnProperty.call(g, value) && g[value]) || String(value);
  }

  let fmt = null;
  function formatters() {
    if (fmt && fmt.lang === lang) return fmt;
    const loc = LOCALES[lang];
    const opts = { numberingSystem: 'latn' };
    const tryMake = (make) => { try { return make(); } catch { return null; } };
    fmt = {
      lang,
      rtf: tryMake(() => new Intl.RelativeTimeFormat(loc, { numeric: 'auto', ...opts })),
      dateTime: new Intl.DateTimeFormat(loc, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', calendar: 'gregory', ...opts }),
      date: new Intl.DateTimeFormat(loc, { year: 'numeric', month: 'long', day: 'numeric', calendar: 'gregory', ...opts }),
      time: new Intl.DateTimeFormat(loc, { timeStyle: 'short', ...opts }),
      num: new Intl.NumberFormat(loc, opts),
      minutes: tryMake(() => new Intl.NumberFormat(loc, { style: 'unit', unit: 'minute', unitDisplay: 'long', ...opts })),
      hours: tryMake(() => new Intl.NumberFormat(loc, { style: 'unit', unit: 'hour', unitDisplay: 'long', ...opts })),
      days: tryMake(() => new Intl.NumberFormat(loc, { style: 'unit', unit: 'day', unitDisplay: 'long', ...opts })),
      kb: tryMake(() => new Intl.NumberFormat(loc, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 0, ...opts })),
      mb: tryMake(() => new Intl.NumberFormat(loc, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1, ...opts })),
      list: tryMake(() => new Intl.ListFormat(loc, { style: 'long', type: 'conjunction' })),
    };
    return fmt;
  }

  const toDate = (v) => {
    if (!v) return null;
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d;
  };
  const fmtDateTime = (v) => { const d = toDate(v); return d ? formatters().dateTime.format(d) : ''; };
  const fmtDate = (v) => { const d = toDate(v); return d ? formatters().date.format(d) : ''; };
  const fmtNum = (n) => formatters().num.format(n);

  /** «قبل 5 دقائق» / "5 minutes ago" for a moment `seconds` in the past. */
  function agoSeconds(seconds) {
    const f = formatters();
    const s = Math.max(0, Math.round(seconds));
    if (!f.rtf) return fmtDuration(s);
    if (s < 60) return f.rtf.format(0, 'second');
    if (s < 3600) return f.rtf.format(-Math.floor(s / 60), 'minute');
    if (s < 86400) return f.rtf.format(-Math.floor(s / 3600), 'hour');
    return f.rtf.format(-Math.floor(s / 86400), 'day');
  }
  const ago = (v) => { const d = toDate(v); return d ? agoSeconds((Date.now() - d.getTime()) / 1000) : ''; };

  /** "5 دقائق" / "5 minutes": how long something lasted. */
  function fmtDuration(seconds) {
    const f = formatters();
    const s = Math.max(0, Math.round(seconds));
    const unit = (nf, n, fallback) => (nf ? nf.format(n) : `${fmtNum(n)} ${fallback}`);
    if (s < 3600) return unit(f.minutes, Math.max(1, Math.floor(s / 60)), 'min');
    if (s < 86400) return unit(f.hours, Math.floor(s / 3600), 'h');
    return unit(f.days, Math.floor(s / 86400), 'd');
  }

  function fmtSize(bytes) {
    const f = formatters();
    if (typeof bytes !== 'number' || !Number.isFinite(bytes)) return '';
    if (bytes >= 1024 * 1024) return f.mb ? f.mb.format(bytes / (1024 * 1024)) : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
    return f.kb ? f.kb.format(Math.max(1, Math.round(bytes / 1024))) : `${Math.max(1, Math.round(bytes / 1024))} KB`;
  }

  /** Keeps a left-to-right value (a reference, a version) in its order inside Arabic text. */
  const ltr = (v) => `\u2066${v}\u2069`;

  const fmtList = (items) => { const f = formatters(); return f.list ? f.list.format(items) : items.join('، '); };

  function applyStaticI18n() {
    root.lang = lang;
    root.dir = lang === 'ar' ? 'rtl' : 'ltr';
    document.title = titleWithCount();
    for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll('[data-i18n-attr]')) {
      for (const pair of node.dataset.i18nAttr.split(';')) {
        const [attr, key] = pair.split(':');
        if (attr && key) node.setAttribute(attr, t(key));
      }
    }
    const langBtn = $('lang');
    langBtn.textContent = t('switchTo');
    langBtn.lang = lang === 'ar' ? 'en' : 'ar';
    fillStaticSelects();
  }

  function fillStaticSelects() {
    const filter = $('request-filter');
    const chosen = filter.value || state.requests.filter;
    filter.replaceChildren(
      el('option', { value: '', text: t('allStatuses') }),
      ...REQUEST_STATUSES.map((s) => el('option', { value: s, text: label('requestStatus', s) })),
    );
    filter.value = chosen;
    const role = $('new-staff-role');
    const chosenRole = role.value || 'researcher';
    role.replaceChildren(...ROLES.map((r) => el('option', { value: r, text: label('roles', r) })));
    role.value = chosenRole;
  }

  // ---------------------------------------------------------------- state
  const state = {
    me: null,
    tab: 'inbox',
    inbox: { filter: 'waiting', items: [], fetchedAt: 0, loaded: false, seq: 0, waiting: null },
    conv: { id: null, data: null, fetchedAt: 0, seq: 0, pending: [], replyId: null, replyText: '' },
    requests: { filter: '', items: [], loaded: false, seq: 0 },
    request: { id: null, data: null, seq: 0 },
    staff: { items: [], loaded: false, seq: 0 },
    audit: { items: [], loaded: false, done: false, seq: 0 },
  };

  // ---------------------------------------------------------------- http
  class ApiError extends Error {
    constructor(status, code, message) {
      super(message || code || `HTTP ${status}`);
      this.status = status;
      this.code = code || '';
      this.serverMessage = message || '';
    }
  }

  /**
   * Calls the staff API. JSON in and out; errors become ApiError with the API's `{code, message}`.
   * A 401 anywhere but sign-in ends the session in the page and shows the sign-in form.
   */
  async function api(path, { method = 'GET', body, signin = false } = {}) {
    const init = { method, credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } };
    if (method !== 'GET' && method !== 'HEAD') {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body === undefined ? {} : body);
    }
    let res;
    try {
      res = await fetch(API + path, init);
    } catch {
      throw new ApiError(0, 'Network', '');
    }
    if (res.status === 204) return null;
    let data = null;
    try {
      const text = await res.text();
      data = text ? JSON.parse(text) : null;
    } catch { /* not JSON */ }
    if (!res.ok) {
      const e = data && data.error ? data.error : {};
      const error = new ApiError(res.status, e.code, e.message);
      if (res.status === 401 && !signin && state.me) signedOut(t('sessionEnded'));
      throw error;
    }
    return data;
  }

  const CODE_KEYS = {
    Network: 'networkError',
    Forbidden: 'forbidden',
    ForbiddenOrigin: 'forbidden',
    NotFound: 'notFound',
    AlreadyClaimed: 'alreadyClaimed',
    HandoffResolved: 'handoffResolved',
    NotAssignee: 'notAssignee',
    InvalidTransition: 'invalidTransition',
    BadArgument: 'badArgument',
    Conflict: 'conflict',
    InvalidCredentials: 'invalidCredentials',
    TooManyAttempts: 'tooManyAttempts',
    TooManyAttemptsFromAddress: 'tooManyAttempts',
    WrongPassword: 'wrongPassword',
    Withheld: 'withheldDocument',
  };

  /** A localized summary of an API error, and the API's own message as detail. */
  function describeError(error) {
    if (!(error instanceof ApiError)) return { text: t('networkError'), detail: error && error.message ? String(error.message) : '' };
    let key = CODE_KEYS[error.code];
    if (!key && error.status === 403) key = 'forbidden';
    if (!key && error.status === 404) key = 'notFound';
    const text = key ? t(key) : error.status >= 500 || !error.serverMessage ? t('serverError', { status: error.status }) : error.serverMessage;
    const detail = error.serverMessage && error.serverMessage !== text ? error.serverMessage : '';
    return { text, detail };
  }

  function showError(error) {
    if (error instanceof ApiError && error.status === 401) return; // the sign-in form says it
    const { text, detail } = describeError(error);
    toast(text, 'error', detail);
  }

  // ---------------------------------------------------------------- toast
  let toastTimer = 0;
  function toast(text, kind = 'error', detail = '') {
    const box = $('toast');
    $('toast-text').textContent = text;
    const d = $('toast-detail');
    d.textContent = detail || '';
    d.hidden = !detail;
    box.dataset.kind = kind;
    box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(hideToast, kind === 'error' ? TOAST_MS * 1.5 : TOAST_MS);
  }
  function hideToast() {
    clearTimeout(toastTimer);
    $('toast').hidden = true;
  }

  // ---------------------------------------------------------------- session
  /**
   * Controls the page's markup does not carry yet: the private-note toggle beside the reply box and
   * the beneficiary's requests in the conversation view. Built once, before the strings are applied.
   */
  function buildConversationExtras() {
    if (!$('reply-note')) {
      const toggle = el('label', { class: 'note-toggle', for: 'reply-note', 'data-i18n-attr': 'title:noteToggleHint' },
        el('input', { type: 'checkbox', id: 'reply-note' }),
        el('span', { 'data-i18n': 'noteToggle' }));
      $('reply-send').before(toggle);
    }
    if (!$('conversation-requests')) {
      $('conversation-note').after(el('nav', { id: 'conversation-requests', class: 'conversation-requests', hidden: true, 'aria-labelledby': 'conversation-requests-title' },
        el('span', { id: 'conversation-requests-title', class: 'conversation-requests-title', 'data-i18n': 'conversationRequests' }),
        el('ul', { id: 'conversation-request-list', class: 'conversation-request-list' })));
    }
  }

  async function boot() {
    buildConversationExtras();
    applyStaticI18n();
    bind();
    try {
      const me = await api('/me', { signin: true });
      signedIn(me);
    } catch (error) {
      showSignin(error instanceof ApiError && error.status === 401 ? '' : describeError(error).text);
    }
  }

  function showSignin(message, kind = 'error') {
    $('app-view').hidden = true;
    $('user-box').hidden = true;
    $('signin-view').hidden = false;
    const err = $('signin-error');
    err.textContent = message || '';
    err.dataset.kind = kind;
    err.hidden = !message;
    const btn = $('signin');
    btn.disabled = false;
    btn.textContent = t('signin');
    document.title = t('docTitle');
    setTimeout(() => ($('email').value ? $('password') : $('email')).focus(), 0);
  }

  async function signIn(event) {
    event.preventDefault();
    const email = $('email').value.trim();
    const password = $('password').value;
    const err = $('signin-error');
    if (!email || !password) {
      err.textContent = t('fillBoth');
      err.dataset.kind = 'error';
      err.hidden = false;
      (email ? $('password') : $('email')).focus();
      return;
    }
    const btn = $('signin');
    btn.disabled = true;
    btn.textContent = t('signingIn');
    err.hidden = true;
    try {
      const me = await api('/session', { method: 'POST', body: { email, password }, signin: true });
      $('password').value = '';
      signedIn(me);
    } catch (error) {
      let message;
      if (error instanceof ApiError && error.code === 'TooManyAttempts') {
        const iso = /\d{4}-\d{2}-\d{2}T[\d:.]+Z/.exec(error.serverMessage || '');
        const until = iso ? toDate(iso[0]) : null;
        message = until ? t('tooManyAttempts', { time: formatters().time.format(until) }) : error.serverMessage || t('tooManyAttemptsLater');
      } else if (error instanceof ApiError && error.status === 401) {
        message = t('invalidCredentials');
      } else {
        const d = describeError(error);
        message = d.detail ? `${d.text} ${d.detail}` : d.text;
      }
      err.textContent = message;
      err.dataset.kind = 'error';
      err.hidden = false;
      btn.disabled = false;
      btn.textContent = t('signin');
      $('password').select();
      $('password').focus();
    }
  }

  function signedIn(me) {
    state.me = me;
    $('signin-view').hidden = true;
    $('signin-error').hidden = true;
    $('app-view').hidden = false;
    $('user-box').hidden = false;
    renderUser();
    const admin = me.role === 'admin';
    $('tab-staff').hidden = !admin;
    $('tab-audit').hidden = !admin;
    $('tab-channels').hidden = !admin;
    $('tab-satisfaction').hidden = !isSupervisor(me);
    $('tab-volunteers').hidden = !isSupervisor(me);
    startEvents();
    startTimers();
    route();
  }

  function renderUser() {
    if (!state.me) return;
    $('user-name').textContent = state.me.displayName || state.me.email || '';
    $('user-role').textContent = label('roles', state.me.role);
  }

  async function signOut() {
    try {
      await api('/session', { method: 'DELETE', signin: true });
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) { showError(error); return; }
    }
    signedOut(t('signedOut'), 'info');
  }

  /** Forgets everything the page knew about the session and shows the sign-in form. */
  function signedOut(message, kind = 'error') {
    state.me = null;
    stopEvents();
    stopTimers();
    state.inbox = { filter: state.inbox.filter, items: [], fetchedAt: 0, loaded: false, seq: state.inbox.seq + 1, waiting: null };
    state.conv = { id: null, data: null, fetchedAt: 0, seq: state.conv.seq + 1, pending: [], replyId: null, replyText: '' };
    state.requests = { filter: state.requests.filter, items: [], loaded: false, seq: state.requests.seq + 1 };
    state.request = { id: null, data: null, seq: state.request.seq + 1 };
    state.staff = { items: [], loaded: false, seq: state.staff.seq + 1 };
    state.audit = { items: [], loaded: false, done: false, seq: state.audit.seq + 1 };
    $('handoff-list').replaceChildren();
    $('request-list').replaceChildren();
    $('transcript').replaceChildren();
    $('reply-text').value = '';
    $('reply-note').checked = false;
    $('conversation-requests').hidden = true;
    $('conversation').hidden = true;
    $('request-detail').hidden = true;
    hideToast();
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    document.dispatchEvent(new CustomEvent('staff:view', { detail: { tab: null } }));
    showSignin(message, kind);
  }

  // ---------------------------------------------------------------- routing (#inbox/<id>, #requests/<id>, #staff, #audit)
  function parseHash() {
    const [tab, id] = decodeURIComponent(location.hash.replace(/^#/, '')).split('/');
    return { tab: TABS.includes(tab) ? tab : 'inbox', id: id || null };
  }

  function navigate(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  }

  function route() {
    if (!state.me) return;
    let { tab, id } = parseHash();
    if (ADMIN_TABS.has(tab) && state.me.role !== 'admin') { tab = 'inbox'; id = null; }
    if (SUPERVISOR_TABS.has(tab) && !isSupervisor(state.me)) { tab = 'inbox'; id = null; }
    showTab(tab);
    if (tab === 'inbox') {
      if (!state.inbox.loaded) loadInbox();
      if (id !== state.conv.id) (id ? openConversation(id) : closeConversation());
    } else if (tab === 'requests') {
      if (!state.requests.loaded) loadRequests();
      if (id !== state.request.id) (id ? openRequest(id) : closeRequest());
    } else if (tab === 'staff') {
      loadStaff();
    } else if (tab === 'audit') {
      loadAudit(false);
    }
  }

  function showTab(tab) {
    state.tab = tab;
    for (const name of TABS) {
      const btn = $(`tab-${name}`);
      const on = name === tab;
      btn.setAttribute('aria-selected', String(on));
      btn.tabIndex = on ? 0 : -1;
      $(`panel-${name}`).hidden = !on;
    }
    document.dispatchEvent(new CustomEvent('staff:view', { detail: { tab } }));
  }

  function tabKeys(event) {
    const tabs = [...document.querySelectorAll('[role="tab"]')].filter((b) => !b.hidden);
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    const forward = lang === 'ar' ? 'ArrowLeft' : 'ArrowRight';
    const backward = lang === 'ar' ? 'ArrowRight' : 'ArrowLeft';
    let next = -1;
    if (event.key === forward) next = (i + 1) % tabs.length;
    else if (event.key === backward) next = (i - 1 + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    event.preventDefault();
    tabs[next].focus();
    tabs[next].click();
  }

  function tabHash(tab) {
    if (tab === 'inbox' && state.conv.id) return `#inbox/${encodeURIComponent(state.conv.id)}`;
    if (tab === 'requests' && state.request.id) return `#requests/${encodeURIComponent(state.request.id)}`;
    return `#${tab}`;
  }

  // ---------------------------------------------------------------- inbox
  async function loadInbox() {
    const seq = ++state.inbox.seq;
    const filter = state.inbox.filter;
    const params = new URLSearchParams(FILTERS[filter]);
    const list = $('handoff-list');
    list.setAttribute('aria-busy', 'true');
    if (!state.inbox.loaded) $('handoff-empty').hidden = true;
    try {
      const data = await api(`/handoffs?${params}`);
      if (seq !== state.inbox.seq) return;
      state.inbox.items = Array.isArray(data && data.items) ? data.items : [];
      state.inbox.fetchedAt = Date.now();
      state.inbox.loaded = true;
      if (filter === 'waiting') state.inbox.waiting = state.inbox.items.length;
      renderInbox();
      if (filter !== 'waiting') loadWaitingCount();
    } catch (error) {
      if (seq === state.inbox.seq) showError(error);
    } finally {
      if (seq === state.inbox.seq) list.setAttribute('aria-busy', 'false');
    }
  }

  let waitingSeq = 0;
  async function loadWaitingCount() {
    const seq = ++waitingSeq;
    try {
      const data = await api('/handoffs?status=waiting');
      if (seq !== waitingSeq || !state.me) return;
      state.inbox.waiting = Array.isArray(data && data.items) ? data.items.length : null;
      renderWaitingCount();
    } catch { /* the count is a nicety */ }
  }

  function renderWaitingCount() {
    const n = state.inbox.waiting;
    const badge = $('waiting-count');
    badge.hidden = !n;
    badge.textContent = n ? fmtNum(n) : '';
    document.title = titleWithCount();
  }

  function titleWithCount() {
    const n = state.me ? state.inbox.waiting : 0;
    return n ? `(${fmtNum(n)}) ${t('docTitle')}` : t('docTitle');
  }

  const contactNameOf = (h) => (h && (h.contactName || (h.contact && h.contact.displayName))) || '';

  /** Seconds the beneficiary has waited (waiting) or waited in all (claimed / closed). */
  function waitedSeconds(h, fetchedAt) {
    const base = typeof h.waitSeconds === 'number' ? h.waitSeconds : (Date.now() - (toDate(h.createdAt) || new Date()).getTime()) / 1000;
    return h.status === 'waiting' ? base + (Date.now() - fetchedAt) / 1000 : base;
  }

  function renderInbox() {
    for (const b of document.querySelectorAll('.filter[data-filter]')) b.setAttribute('aria-pressed', String(b.dataset.filter === state.inbox.filter));
    const list = $('handoff-list');
    const focusedId = document.activeElement && document.activeElement.classList.contains('handoff-item') ? document.activeElement.dataset.id : null;
    const items = state.inbox.items.map((h) => el('li', null, handoffItem(h)));
    list.replaceChildren(...items);
    $('handoff-empty').hidden = !state.inbox.loaded || state.inbox.items.length > 0;
    renderWaitingCount();
    if (focusedId) {
      const again = list.querySelector(`.handoff-item[data-id="${CSS.escape(focusedId)}"]`);
      if (again) again.focus();
    }
  }

  function handoffItem(h) {
    const seconds = waitedSeconds(h, state.inbox.fetchedAt);
    const name = contactNameOf(h) || t('beneficiary');
    let when;
    if (h.status === 'waiting') when = agoSeconds(seconds);
    else if (h.status === 'active') when = `${t('claimedAgo', { time: ago(h.claimedAt) })} · ${t('waitedFor', { time: fmtDuration(seconds) })}`;
    else when = `${t('resolvedAgo', { time: ago(h.resolvedAt) })} · ${t('waitedFor', { time: fmtDuration(seconds) })}`;
    const assignee = h.assignee
      ? t('withStaff', { name: state.me && h.assignee.id === state.me.id ? t('you') : h.assignee.displayName })
      : t('unassigned');
    const button = el(
      'button',
      {
        type: 'button',
        class: 'handoff-item' + (h.status === 'waiting' && seconds >= LONG_WAIT_S ? ' long-wait' : '') + (h.urgent ? ' urgent' : ''),
        dataset: { id: h.id, status: h.status },
        'aria-current': h.id === state.conv.id ? 'true' : null,
      },
      el('span', { class: 'item-top' },
        el('span', { class: 'item-name', dir: 'auto', text: name }),
        urgentWith(h, el('span', { class: 'chip channel', text: label('channels', h.channel) || '—' }))),
      el('span', { class: 'reason', text: label('reasons', h.reason) }),
      el('span', { class: 'item-bottom' },
        el('span', { class: 'wait', title: h.status === 'waiting' ? t('waitingSince') : null, text: when }),
        el('span', { class: 'assignee' + (h.assignee ? '' : ' none'), text: assignee })),
    );
    return button;
  }

  /** «عاجل / Urgent»: a handoff raised for severe distress (src/safety/). */
  function urgentBadge() {
    return el('span', { class: 'badge urgent', title: label('urgent', 'title'), text: label('urgent', 'label') });
  }

  /** The item's channel chip, beside the urgent label when there is one. */
  function urgentWith(h, chip) {
    return h.urgent ? el('span', { class: 'badges' }, urgentBadge(), chip) : chip;
  }

  function setFilter(filter) {
    if (!FILTERS[filter]) return;
    state.inbox.filter = filter;
    state.inbox.items = [];
    state.inbox.loaded = false;
    renderInbox();
    loadInbox();
  }

  // ---------------------------------------------------------------- conversation
  function openConversation(id) {
    state.conv = { id, data: null, fetchedAt: 0, seq: state.conv.seq + 1, pending: [], replyId: null, replyText: '' };
    $('reply-text').value = '';
    $('reply-note').checked = false;
    $('conversation-requests').hidden = true;
    $('transcript').replaceChildren(el('p', { class: 'placeholder', text: t('loading') }));
    $('conversation').hidden = false;
    $('conversation-empty').hidden = true;
    $('panel-inbox').classList.add('has-detail');
    $('conversation-title').textContent = '';
    $('conversation-meta').textContent = '';
    $('conversation-note').textContent = '';
    markCurrent('.handoff-item', id);
    loadConversation({ focus: true });
  }

  function closeConversation() {
    state.conv = { id: null, data: null, fetchedAt: 0, seq: state.conv.seq + 1, pending: [], replyId: null, replyText: '' };
    $('conversation').hidden = true;
    $('conversation-empty').hidden = false;
    $('panel-inbox').classList.remove('has-detail');
    $('transcript').replaceChildren();
    $('transcript').dataset.for = '';
    markCurrent('.handoff-item', null);
  }

  function markCurrent(selector, id) {
    for (const node of document.querySelectorAll(selector)) {
      if (node.dataset.id === id) node.setAttribute('aria-current', 'true');
      else node.removeAttribute('aria-current');
    }
  }

  async function loadConversation({ focus = false } = {}) {
    const id = state.conv.id;
    if (!id) return;
    const seq = ++state.conv.seq;
    try {
      const data = await api(`/handoffs/${encodeURIComponent(id)}`);
      if (seq !== state.conv.seq || state.conv.id !== id) return;
      state.conv.data = data;
      state.conv.fetchedAt = Date.now();
      renderConversation();
      if (focus) $('conversation-title').focus({ preventScroll: true });
    } catch (error) {
      if (seq !== state.conv.seq) return;
      showError(error);
      if (!state.conv.data) $('transcript').replaceChildren();
    }
  }

  function permissions(h) {
    const me = state.me || {};
    const override = me.role === 'admin' || me.role === 'officer';
    const open = h.status !== 'resolved';
    const mine = !!(h.assignee && h.assignee.id === me.id);
    const others = h.status === 'active' && !mine;
    return {
      override,
      mine,
      others,
      claimVisible: open && !(h.status === 'active' && mine),
      claimEnabled: h.status === 'waiting' || (others && override),
      takeOver: others,
      end: open && (h.status === 'waiting' || mine || override),
      reply: open && (h.status === 'waiting' || mine || override),
    };
  }

  function renderConversation() {
    const h = state.conv.data;
    if (!h) return;
    const p = permissions(h);
    $('conversation').dataset.status = h.status;
    $('conversation-title').replaceChildren(contactNameOf(h) || t('beneficiary'), h.urgent ? urgentBadge() : '');
    const meta = [label('channels', h.channel), label('handoffStatus', h.status), label('reasons', h.reason), `${t('openedAt')}: ${fmtDateTime(h.createdAt)}`].filter(Boolean);
    $('conversation-meta').textContent = meta.join(' · ');

    const claim = $('claim');
    claim.hidden = !p.claimVisible;
    claim.disabled = !p.claimEnabled;
    claim.textContent = p.takeOver ? t('takeOver') : t('claim');
    claim.dataset.force = p.takeOver ? 'true' : 'false';
    $('release').disabled = !p.end;
    $('resolve').disabled = !p.end;
    $('release').hidden = h.status === 'resolved';
    $('resolve').hidden = h.status === 'resolved';

    let note;
    if (h.status === 'resolved') note = t('noteResolved');
    else if (h.status === 'waiting') note = t('noteWaiting');
    else if (p.mine) note = t('noteMine');
    else note = t(p.override ? 'noteOtherOverride' : 'noteOther', { name: h.assignee ? h.assignee.displayName : '' });
    const noteEl = $('conversation-note');
    noteEl.textContent = note;
    noteEl.dataset.kind = h.status === 'resolved' ? 'closed' : p.others ? 'other' : h.status;

    const form = $('reply-form');
    form.hidden = h.status === 'resolved';
    renderComposer();
    renderCanned();

    renderConversationRequests(h);
    renderTranscript(h);
  }

  /** Any colleague may leave a private note; a reply needs the conversation (see `permissions`). */
  function noteMode() {
    return $('reply-note').checked;
  }

  /** The reply box as a reply to the beneficiary, or as a private note for colleagues. */
  function renderComposer() {
    const h = state.conv.data;
    const note = noteMode();
    const enabled = !!h && (note || permissions(h).reply);
    const box = $('reply-text');
    $('reply-form').dataset.mode = note ? 'note' : 'reply';
    box.disabled = !enabled;
    box.maxLength = note ? 2000 : 4000;
    box.placeholder = t(note ? 'notePlaceholder' : 'replyPlaceholder');
    const send = $('reply-send');
    send.disabled = !enabled || sending;
    send.textContent = t(note ? 'saveNote' : 'send');
    $('reply-note').disabled = !h;
  }

  /** The beneficiary's support requests; each opens in the Requests tab. */
  function renderConversationRequests(h) {
    const requests = Array.isArray(h.requests) ? h.requests : [];
    $('conversation-requests').hidden = requests.length === 0;
    $('conversation-request-list').replaceChildren(...requests.map((r) => {
      const missing = Number(r.documentsMissing) || 0;
      return el('li', null, el('button', {
        type: 'button',
        class: 'conversation-request' + (r.overdue ? ' is-overdue' : ''),
        dataset: { id: r.id, status: r.status },
        title: t('openRequest', { reference: ltr(r.reference) }),
      },
      el('span', { class: 'reference', dir: 'ltr', text: r.reference }),
      el('span', { class: 'status-badge', dataset: { status: r.status }, text: label('requestStatus', r.status) }),
      r.overdue ? el('span', { class: 'badge overdue', title: t('overdueHint'), text: t('overdue') }) : null,
      missing ? el('span', { class: 'docs missing', text: t('missingDocs', { count: fmtNum(missing) }) }) : null));
    }));
  }

  function renderTranscript(h) {
    const box = $('transcript');
    const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    const first = box.dataset.for !== h.id;
    const messages = (Array.isArray(h.messages) ? h.messages : []).filter((m) => m.withheld === true || (m.text && String(m.text).trim()) || (Array.isArray(m.attachments) && m.attachments.length > 0));

    // Replies the API accepted show until the transcript has them.
    const lastSeq = messages.reduce((max, m) => Math.max(max, Number(m.seq) || 0), 0);
    state.conv.pending = state.conv.pending.filter(
      (p) => !messages.some((m) => m.author && m.author.kind === 'staff' && !m.private && Number(m.seq) > p.afterSeq && String(m.text || '').trim() === p.text.trim()),
    );

    const rendered = new Set([...box.querySelectorAll('.msg[data-seq]')].map((n) => n.dataset.seq));
    const incremental = !first && rendered.size > 0 && [...rendered].every((s) => messages.some((m) => String(m.seq) === s)) && !box.querySelector('.placeholder');
    if (incremental) {
      for (const n of box.querySelectorAll('.msg[data-state="pending"]')) n.remove();
      for (const m of messages) {
        if (!rendered.has(String(m.seq))) box.append(messageNode(m, h));
        else updateDelivery(box.querySelector(`.msg[data-seq="${CSS.escape(String(m.seq))}"]`), m);
      }
    } else {
      box.replaceChildren(...messages.map((m) => messageNode(m, h)));
    }
    for (const p of state.conv.pending) box.append(pendingNode(p.text));
    if (messages.length === 0 && state.conv.pending.length === 0) box.replaceChildren(el('p', { class: 'placeholder', text: t('noMessages') }));
    box.dataset.for = h.id;
    box.dataset.lastSeq = String(lastSeq);
    if (first || nearBottom) box.scrollTop = box.scrollHeight;
  }

  function authorLabel(m, h) {
    const kind = m.author && m.author.kind;
    if (kind === 'beneficiary') return contactNameOf(h) || label('authors', 'beneficiary');
    if (kind === 'staff') {
      const id = m.author.staffId;
      if (state.me && id === state.me.id) return t('you');
      if (h.assignee && id === h.assignee.id) return h.assignee.displayName;
      return label('authors', 'staff');
    }
    return label('authors', kind || 'system');
  }

  function messageNode(m, h) {
    const kind = m.author && ['beneficiary', 'bot', 'staff', 'system'].includes(m.author.kind) ? m.author.kind : m.direction === 'incoming' ? 'beneficiary' : 'system';
    const delivery = deliveryOf(m);
    const node = el('div', { class: 'msg', dataset: { author: kind, seq: String(m.seq), direction: m.direction || '', ...(m.private === true ? { private: 'true' } : {}), ...(delivery ? { delivery: deliveryKey(delivery) } : {}) } },
      el('div', { class: 'msg-head' },
        el('span', { class: 'msg-who', dir: 'auto', text: authorLabel(m, h) }),
        m.private === true ? el('span', { class: 'msg-private', text: t('privateNote') }) : null,
        el('span', { class: 'msg-meta' },
          el('time', { class: 'msg-time', datetime: m.createdAt || null, title: fmtDateTime(m.createdAt), text: shortTime(m.createdAt) }),
          deliveryMark(delivery))));
    if (m.withheld === true) node.append(withheldNote());
    if (m.text) node.append(el('div', { class: 'msg-text', dir: 'auto', text: m.text }));
    const files = Array.isArray(m.attachments) ? m.attachments : [];
    if (files.length) {
      node.append(el('ul', { class: 'files' }, files.map((a) => el('li', { dir: 'auto', text: (a && a.name) || t('attachment') }))));
    }
    return node;
  }

  // ---------------------------------------------------------------- delivery marks
  /** What an outgoing message shows after its time, by how far it got; read is ✓✓ in its own colour (staff.css). */
  const DELIVERY_MARKS = { pending: '◷', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '⚠' };

  /** An outgoing message's delivery as the API gives it, or null (incoming, notes, never recorded, unknown state). */
  function deliveryOf(m) {
    const d = m.direction === 'outgoing' ? m.delivery : null;
    return d && Object.prototype.hasOwnProperty.call(DELIVERY_MARKS, d.state) ? d : null;
  }

  /** Changes when the mark must change: the state, or the error code of a failure. */
  function deliveryKey(d) {
    return d.state === 'failed' && d.error ? `failed:${d.error}` : d.state;
  }

  /** The state in words, with the error code of a failed send (a code, never message text). */
  function deliveryText(d) {
    if (d.state === 'failed' && d.error) {
      const template = (dict().delivery && dict().delivery.failedWith) || I18N.ar.delivery.failedWith;
      return template.replace('{error}', d.error);
    }
    return label('delivery', d.state);
  }

  /** The mark is for the eye (its words in the tooltip); screen readers get the words alone. */
  function deliveryMark(d) {
    if (!d) return null;
    const text = deliveryText(d);
    return el('span', { class: 'msg-delivery', dataset: { state: d.state }, title: text },
      el('span', { 'aria-hidden': 'true', text: DELIVERY_MARKS[d.state] }),
      el('span', { class: 'sr-only', text }));
  }

  /** A message already on screen whose delivery moved on (sent → delivered → read) gets its new mark. */
  function updateDelivery(node, m) {
    const d = deliveryOf(m);
    if (!node || !d || node.dataset.delivery === deliveryKey(d)) return;
    node.dataset.delivery = deliveryKey(d);
    const meta = node.querySelector('.msg-meta');
    const old = meta && meta.querySelector('.msg-delivery');
    if (old) old.replaceWith(deliveryMark(d));
    else if (meta) meta.append(deliveryMark(d));
  }

  function pendingNode(text) {
    return el('div', { class: 'msg', dataset: { author: 'staff', state: 'pending' } },
      el('div', { class: 'msg-head' }, el('span', { class: 'msg-who', text: t('you') }), el('span', { class: 'msg-time', text: t('sending') })),
      el('div', { class: 'msg-text', dir: 'auto', text }));
  }

  function shortTime(v) {
    const d = toDate(v);
    if (!d) return '';
    const sameDay = d.toDateString() === new Date().toDateString();
    return sameDay ? formatters().time.format(d) : formatters().dateTime.format(d);
  }

  async function handoffAction(kind) {
    const h = state.conv.data;
    if (!h) return;
    const id = h.id;
    const btn = $(kind);
    btn.disabled = true;
    try {
      if (kind === 'claim') {
        await api(`/handoffs/${encodeURIComponent(id)}/claim`, { method: 'POST', body: $('claim').dataset.force === 'true' ? { force: true } : {} });
        toast(t('claimed'), 'info');
      } else {
        await api(`/handoffs/${encodeURIComponent(id)}/${kind}`, { method: 'POST', body: {} });
        toast(t(kind === 'release' ? 'released' : 'resolved'), 'info');
      }
    } catch (error) {
      showError(error);
    } finally {
      if (state.conv.id === id) await loadConversation();
      loadInbox();
      if (kind === 'claim' && state.conv.id === id && !$('reply-text').disabled) $('reply-text').focus();
    }
  }

  function newReplyId() {
    const b = new Uint8Array(12);
    crypto.getRandomValues(b);
    return 'c' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  }

  let sending = false;
  async function sendReply(event) {
    if (event) event.preventDefault();
    if (noteMode()) return saveNote();
    const h = state.conv.data;
    const box = $('reply-text');
    const text = box.value.trim();
    if (!h || sending || box.disabled) return;
    if (!text) { toast(t('emptyReply'), 'error'); box.focus(); return; }
    // The same text sent again after a failure keeps its id, so the API never delivers it twice.
    if (!state.conv.replyId || state.conv.replyText !== text) {
      state.conv.replyId = newReplyId();
      state.conv.replyText = text;
    }
    const id = h.id;
    sending = true;
    $('reply-send').disabled = true;
    try {
      await api(`/handoffs/${encodeURIComponent(id)}/messages`, { method: 'POST', body: { text, id: state.conv.replyId } });
      if (state.conv.id !== id) return;
      const afterSeq = Number($('transcript').dataset.lastSeq) || 0;
      state.conv.pending.push({ text, afterSeq });
      state.conv.replyId = null;
      state.conv.replyText = '';
      if (box.value.trim() === text) box.value = '';
      renderTranscript(state.conv.data);
      $('transcript').scrollTop = $('transcript').scrollHeight;
      await loadConversation();
      for (const ms of [1500, 4000]) setTimeout(() => { if (state.conv.id === id && state.conv.pending.length) loadConversation(); }, ms);
    } catch (error) {
      showError(error);
      if (state.conv.id === id) loadConversation();
    } finally {
      sending = false;
      renderComposer();
      box.focus();
    }
  }

  /** Saves the reply box as a private note: in the transcript for colleagues, never sent. */
  async function saveNote() {
    const h = state.conv.data;
    const box = $('reply-text');
    const text = box.value.trim();
    if (!h || sending || box.disabled) return;
    if (!text) { toast(t('emptyNote'), 'error'); box.focus(); return; }
    const id = h.id;
    sending = true;
    $('reply-send').disabled = true;
    try {
      await api(`/handoffs/${encodeURIComponent(id)}/notes`, { method: 'POST', body: { text } });
      if (state.conv.id !== id) return;
      if (box.value.trim() === text) box.value = '';
      toast(t('noteSaved'), 'info');
      await loadConversation();
      $('transcript').scrollTop = $('transcript').scrollHeight;
    } catch (error) {
      showError(error);
    } finally {
      sending = false;
      renderComposer();
      box.focus();
    }
  }

  function renderCanned() {
    const name = (state.me && state.me.displayName) || '';
    const h = state.conv.data;
    const disabled = !h || !permissions(h).reply;
    $('canned').replaceChildren(...dict().canned.map((c) =>
      el('button', { type: 'button', class: 'canned-reply chip-btn', dataset: { key: c.key }, disabled, title: c.text.replace('{name}', name) }, c.label)));
  }

  function useCanned(key) {
    const c = dict().canned.find((x) => x.key === key);
    if (!c) return;
    const text = c.text.replace('{name}', (state.me && state.me.displayName) || '');
    const box = $('reply-text');
    if (box.disabled) return;
    box.value = box.value.trim() ? `${box.value.replace(/\s+$/, '')}\n${text}` : text;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }

  // ---------------------------------------------------------------- requests
  async function loadRequests() {
    const seq = ++state.requests.seq;
    const list = $('request-list');
    list.setAttribute('aria-busy', 'true');
    const q = state.requests.filter ? `?status=${encodeURIComponent(state.requests.filter)}` : '';
    try {
      const data = await api(`/requests${q}`);
      if (seq !== state.requests.seq) return;
      state.requests.items = Array.isArray(data && data.items) ? data.items : [];
      state.requests.loaded = true;
      renderRequests();
    } catch (error) {
      if (seq === state.requests.seq) showError(error);
    } finally {
      if (seq === state.requests.seq) list.setAttribute('aria-busy', 'false');
    }
  }

  function renderRequests() {
    const list = $('request-list');
    const focusedId = document.activeElement && document.activeElement.classList.contains('request-item') ? document.activeElement.dataset.id : null;
    list.replaceChildren(...state.requests.items.map((r) => el('li', null, requestItem(r))));
    $('request-empty').hidden = !state.requests.loaded || state.requests.items.length > 0;
    if (focusedId) {
      const again = list.querySelector(`.request-item[data-id="${CSS.escape(focusedId)}"]`);
      if (again) again.focus();
    }
  }

  function requestItem(r) {
    const missing = Number(r.documentsMissing) || 0;
    return el(
      'button',
      { type: 'button', class: 'request-item' + (r.overdue ? ' is-overdue' : ''), dataset: { id: r.id, status: r.status }, 'aria-current': r.id === state.request.id ? 'true' : null },
      el('span', { class: 'item-top' },
        el('span', { class: 'item-name reference', dir: 'ltr', text: r.reference }),
        el('span', { class: 'badges' },
          r.overdue ? el('span', { class: 'badge overdue', title: t('overdueHint'), text: t('overdue') }) : null,
          el('span', { class: 'status-badge', dataset: { status: r.status }, text: label('requestStatus', r.status) }))),
      el('span', { class: 'item-bottom' },
        el('span', { class: 'submitted', text: r.submittedAt ? `${t('submittedAt')}: ${fmtDate(r.submittedAt)}` : '' }),
        el('span', { class: 'docs' + (missing ? ' missing' : ''), text: missing ? t('missingDocs', { count: fmtNum(missing) }) : t('allDocs') })),
    );
  }

  function openRequest(id) {
    state.request = { id, data: null, seq: state.request.seq + 1 };
    $('request-detail').hidden = false;
    $('request-placeholder').hidden = true;
    $('panel-requests').classList.add('has-detail');
    $('request-title').textContent = t('loading');
    $('request-meta').textContent = '';
    markCurrent('.request-item', id);
    loadRequest({ focus: true });
  }

  function closeRequest() {
    state.request = { id: null, data: null, seq: state.request.seq + 1 };
    $('request-detail').hidden = true;
    $('request-placeholder').hidden = false;
    $('panel-requests').classList.remove('has-detail');
    markCurrent('.request-item', null);
  }

  async function loadRequest({ focus = false } = {}) {
    const id = state.request.id;
    if (!id) return;
    const seq = ++state.request.seq;
    try {
      const data = await api(`/requests/${encodeURIComponent(id)}`);
      if (seq !== state.request.seq || state.request.id !== id) return;
      state.request.data = data;
      renderRequest();
      if (focus) $('request-title').focus({ preventScroll: true });
    } catch (error) {
      if (seq === state.request.seq) showError(error);
    }
  }

  /** Medical answers and documents are for the assigned researcher (and admins); the API marks what it kept back. */
  function withheldNote() {
    return el('span', { class: 'withheld', title: t('withheldHint'), text: t('withheld') });
  }

  function isWithheld(value) {
    return value !== null && typeof value === 'object' && value.withheld === true;
  }

  function answerText(field, value) {
    if (value === null || value === undefined || value === '') return t('notGiven');
    if (typeof value === 'boolean') return value ? t('yes') : t('no');
    if (typeof value === 'number') return fmtNum(value);
    if (Array.isArray(value)) return value.map((v) => answerText(field, v)).join('، ');
    if (typeof value === 'object') {
      if (value.name) return String(value.name);
      return JSON.stringify(value);
    }
    const values = dict().values[field];
    return (values && Object.prototype.hasOwnProperty.call(values, value) && values[value]) || String(value);
  }

  function renderRequest() {
    const r = state.request.data;
    if (!r) return;
    $('request-detail').dataset.status = r.status;
    $('request-title').textContent = t('requestTitle', { reference: ltr(r.reference) });
    const meta = $('request-meta');
    meta.replaceChildren(
      el('span', { class: 'status-badge', dataset: { status: r.status }, text: label('requestStatus', r.status) }),
      r.overdue ? el('span', { class: 'badge overdue', title: t('overdueHint'), text: t('overdue') }) : null,
      r.channel ? el('span', { class: 'chip channel', text: label('channels', r.channel) }) : null,
    );

    const facts = [
      [t('submittedAt'), fmtDateTime(r.submittedAt) || t('notGiven')],
      [t('updatedAt'), fmtDateTime(r.updatedAt) || t('notGiven')],
      [t('registrationComplete'), r.registrationCompletedAt ? fmtDateTime(r.registrationCompletedAt) : t('registrationPending')],
      [t('documents'), Number(r.documentsMissing) ? t('missingDocs', { count: fmtNum(Number(r.documentsMissing)) }) : t('allDocs')],
    ];
    $('request-facts').replaceChildren(...facts.map(([k, v]) => el('div', { class: 'fact' }, el('dt', { text: k }), el('dd', { text: v }))));

    // Answers: the form's order first, then anything the form does not name.
    const answers = r.answers && typeof r.answers === 'object' ? r.answers : {};
    const order = Object.keys(dict().fields);
    const keys = [...order.filter((k) => k in answers), ...Object.keys(answers).filter((k) => !order.includes(k))];
    const tbody = $('answers').tBodies[0];
    tbody.replaceChildren(
      ...(keys.length
        ? keys.map((k) => el('tr', { dataset: { field: k, ...(isWithheld(answers[k]) ? { withheld: 'true' } : {}) } },
          el('th', { scope: 'row', text: label('fields', k) }),
          isWithheld(answers[k]) ? el('td', null, withheldNote()) : el('td', { dir: 'auto', text: answerText(k, answers[k]) })))
        : [el('tr', null, el('td', { colspan: '2', class: 'muted', text: t('noAnswers') }))]),
    );

    const dec = r.declaration;
    $('declaration').textContent = dec
      ? t('declarationText', { version: dec.version ? ltr(dec.version) : '—', at: fmtDateTime(dec.at), channel: label('channels', dec.channel) || '—' })
      : t('noDeclaration');

    const docs = Array.isArray(r.documents) ? r.documents : [];
    $('documents').replaceChildren(
      ...(docs.length
        ? docs.map((d) => isWithheld(d)
          ? el('li', { class: 'document', dataset: { kind: d.kind || '', withheld: 'true' } },
            withheldNote(),
            el('span', { class: 'doc-meta', text: [label('documentKinds', d.kind), d.receivedAt ? t('receivedAt', { at: fmtDateTime(d.receivedAt) }) : ''].filter(Boolean).join(' · ') }))
          : el('li', { class: 'document', dataset: { kind: d.kind || '' } },
          el('a', {
            class: 'doc-link',
            href: `${API}/requests/${encodeURIComponent(r.id)}/documents/${encodeURIComponent(d.fileId)}`,
            download: d.name || '',
            dir: 'auto',
            text: d.name || t('attachment'),
          }),
          el('span', { class: 'doc-meta', text: [label('documentKinds', d.kind), fmtSize(d.size), d.receivedAt ? t('receivedAt', { at: fmtDateTime(d.receivedAt) }) : ''].filter(Boolean).join(' · ') })))
        : [el('li', { class: 'muted', text: t('noDocuments') })]),
    );
    const have = new Set(docs.map((d) => d.kind));
    const missingKinds = REQUIRED_DOCUMENTS.filter((k) => !have.has(k));
    const missingEl = $('documents-missing');
    missingEl.hidden = missingKinds.length === 0 || !Number(r.documentsMissing);
    missingEl.textContent = missingKinds.length ? t('missingKinds', { kinds: fmtList(missingKinds.map((k) => label('documentKinds', k))) }) : '';

    const noteEl = $('status-current-note');
    noteEl.hidden = !r.statusNote;
    noteEl.textContent = r.statusNote ? `${t('statusNote')}: ${r.statusNote}` : '';

    renderStatusChanger(r);
  }

  function renderStatusChanger(r) {
    const next = Array.isArray(r.nextStatuses) ? r.nextStatuses : []; // the API's own rule
    const select = $('status-select');
    const previous = select.value;
    select.replaceChildren(...next.map((s) => el('option', { value: s, text: label('requestStatus', s) })));
    if (next.includes(previous)) select.value = previous;
    $('status-form').hidden = next.length === 0;
    $('status-final').hidden = next.length > 0;
    $('status-save').disabled = next.length === 0;
  }

  async function saveStatus(event) {
    event.preventDefault();
    const r = state.request.data;
    if (!r) return;
    const status = $('status-select').value;
    if (!status) return;
    const note = $('status-note').value.trim();
    const btn = $('status-save');
    btn.disabled = true;
    btn.textContent = t('saving');
    const id = r.id;
    try {
      await api(`/requests/${encodeURIComponent(id)}/status`, { method: 'POST', body: note ? { status, note } : { status } });
      $('status-note').value = '';
      toast(t('statusSaved', { status: label('requestStatus', status) }), 'info');
    } catch (error) {
      showError(error);
    } finally {
      btn.textContent = t('save');
      btn.disabled = false;
      if (state.request.id === id) await loadRequest();
      loadRequests();
    }
  }

  // ---------------------------------------------------------------- admin: staff accounts
  async function loadStaff() {
    const seq = ++state.staff.seq;
    try {
      const data = await api('/staff?limit=200');
      if (seq !== state.staff.seq) return;
      state.staff.items = Array.isArray(data && data.items) ? data.items : [];
      state.staff.loaded = true;
      renderStaff();
      if (state.audit.loaded) renderAudit();
    } catch (error) {
      if (seq === state.staff.seq) showError(error);
    }
  }

  function renderStaff() {
    const tbody = $('staff-table').tBodies[0];
    if (!state.staff.items.length) {
      tbody.replaceChildren(el('tr', null, el('td', { colspan: '5', class: 'muted', text: t('noStaff') })));
      return;
    }
    tbody.replaceChildren(...state.staff.items.map((s) => {
      const self = state.me && s.id === state.me.id;
      const roleSelect = el('select', { class: 'staff-role', dataset: { id: s.id }, 'aria-label': t('roleOf', { name: s.displayName }), disabled: self },
        ROLES.map((r) => el('option', { value: r, text: label('roles', r) })));
      roleSelect.value = s.role;
      const active = s.active !== false;
      return el('tr', { class: 'staff-row' + (active ? '' : ' inactive'), dataset: { id: s.id } },
        el('td', { dir: 'auto', text: s.displayName }),
        el('td', { dir: 'ltr', class: 'email', text: s.email }),
        el('td', null, roleSelect),
        el('td', null, el('span', { class: 'state-badge' + (active ? ' on' : ''), text: active ? t('active') : t('inactive') })),
        el('td', null,
          el('button', { type: 'button', class: 'btn small staff-toggle', dataset: { id: s.id, active: String(active) }, disabled: self }, active ? t('deactivate') : t('activate')),
          self ? null : el('button', { type: 'button', class: 'btn small staff-reset', dataset: { id: s.id, name: s.displayName } }, t('resetPassword'))));
    }));
  }

  async function patchStaff(id, patch) {
    try {
      await api(`/staff/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch });
      toast(t('staffUpdated'), 'info');
    } catch (error) {
      showError(error);
    }
    await loadStaff();
  }

  function generatePassword() {
    const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
    const b = new Uint32Array(18);
    crypto.getRandomValues(b);
    const chars = Array.from(b, (x) => alphabet[x % alphabet.length]).join('');
    return `${chars.slice(0, 6)}-${chars.slice(6, 12)}-${chars.slice(12)}`;
  }

  /** An admin gives a colleague a new generated password (shown once, to hand over); the API ends all their sessions. */
  async function resetStaffPassword(button) {
    const name = button.dataset.name || '';
    if (!window.confirm(t('resetConfirm', { name }))) return;
    const password = generatePassword();
    button.disabled = true;
    try {
      await api(`/staff/${encodeURIComponent(button.dataset.id)}/password`, { method: 'POST', body: { password } });
      const out = $('reset-result');
      out.replaceChildren(el('span', { dir: 'auto', text: t('resetDone', { name }) }), ' ', el('code', { class: 'new-password', dir: 'ltr', text: password }));
      out.hidden = false;
    } catch (error) {
      showError(error);
    } finally {
      button.disabled = false;
    }
  }

  /** One's own password: the API ends every other session and gives this page a fresh one. */
  async function changeOwnPassword(event) {
    event.preventDefault();
    const form = $('password-form');
    if (!form.checkValidity()) { form.reportValidity(); return; }
    const btn = $('password-save');
    btn.disabled = true;
    try {
      await api('/me/password', { method: 'POST', body: { currentPassword: $('current-password').value, newPassword: $('new-password').value } });
      form.reset();
      $('password-dialog').close();
      toast(t('passwordChanged'), 'info');
    } catch (error) {
      showError(error);
    } finally {
      btn.disabled = false;
    }
  }

  async function createStaff(event) {
    event.preventDefault();
    const displayName = $('new-staff-name').value.trim();
    const email = $('new-staff-email').value.trim();
    const role = $('new-staff-role').value;
    const password = $('new-staff-password').value;
    const form = $('staff-form');
    if (!form.checkValidity()) { form.reportValidity(); return; }
    const btn = $('new-staff-create');
    btn.disabled = true;
    try {
      const created = await api('/staff', { method: 'POST', body: { email, displayName, role, password } });
      toast(t('staffCreated', { name: (created && created.displayName) || displayName }), 'info');
      form.reset();
      fillStaticSelects();
      $('new-staff-role').value = 'researcher';
      await loadStaff();
    } catch (error) {
      showError(error);
    } finally {
      btn.disabled = false;
    }
  }

  // ---------------------------------------------------------------- admin: audit log
  async function loadAudit(more) {
    const seq = ++state.audit.seq;
    const offset = more ? state.audit.items.length : 0;
    if (!state.staff.loaded) loadStaff();
    try {
      const data = await api(`/audit?limit=${AUDIT_PAGE}&offset=${offset}`);
      if (seq !== state.audit.seq) return;
      const items = Array.isArray(data && data.items) ? data.items : [];
      state.audit.items = more ? state.audit.items.concat(items) : items;
      state.audit.done = items.length < AUDIT_PAGE;
      state.audit.loaded = true;
      renderAudit();
    } catch (error) {
      if (seq === state.audit.seq) showError(error);
    }
  }

  function actorLabel(actor) {
    const m = /^staff:(.+)$/.exec(actor || '');
    if (m) {
      const s = state.staff.items.find((x) => x.id === m[1]);
      return s ? s.displayName : actor;
    }
    if (actor === 'system') return t('system');
    return actor || '';
  }

  function renderAudit() {
    const tbody = $('audit-table').tBodies[0];
    tbody.replaceChildren(...state.audit.items.map((e) => el('tr', { class: 'audit-row', dataset: { id: e.id || '', action: e.action || '' } },
      el('td', { class: 'nowrap', text: fmtDateTime(e.at) }),
      el('td', { dir: 'auto', text: actorLabel(e.actor) }),
      el('td', { title: e.action, text: label('actions', e.action) }),
      el('td', { dir: 'ltr', class: 'mono', text: `${e.subjectType || ''}${e.subjectId ? ':' + String(e.subjectId).slice(0, 8) : ''}`, title: e.subjectId || '' }),
      el('td', { dir: 'ltr' }, el('code', { class: 'details', text: e.details && Object.keys(e.details).length ? JSON.stringify(e.details) : '' })))));
    $('audit-empty').hidden = state.audit.items.length > 0;
    $('audit-more').hidden = state.audit.done;
  }

  // ---------------------------------------------------------------- live updates
  let source = null;
  let reconnectTimer = 0;
  let refreshTimer = 0;
  const due = { inbox: false, conversation: false, requests: false, request: false };

  function startEvents() {
    stopEvents();
    if (typeof EventSource === 'undefined') return;
    const es = new EventSource(`${API}/events`);
    source = es;
    es.addEventListener('open', () => { if (source === es) setLive(true); });
    es.addEventListener('error', () => {
      if (source !== es) return;
      setLive(false);
      // A refused stream (e.g. 401) is closed for good; otherwise EventSource reconnects itself.
      if (es.readyState === EventSource.CLOSED) {
        clearTimeout(reconnectTimer);
        reconnectTimer = setTimeout(checkSessionAndReconnect, 5000);
      }
    });
    for (const type of EVENT_TYPES) es.addEventListener(type, onEvent);
  }

  function stopEvents() {
    clearTimeout(reconnectTimer);
    clearTimeout(refreshTimer);
    if (source) source.close();
    source = null;
    setLive(false);
  }

  async function checkSessionAndReconnect() {
    if (!state.me) return;
    try {
      await api('/me');
      if (state.me) { startEvents(); scheduleRefresh({ inbox: true, conversation: true }); }
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401) && state.me) reconnectTimer = setTimeout(checkSessionAndReconnect, 15000);
    }
  }

  function setLive(on) {
    const live = $('live');
    live.dataset.state = on ? 'on' : 'off';
    $('live-text').textContent = on ? t('live') : t('offlineLive');
  }

  function onEvent(message) {
    let data = {};
    try { data = JSON.parse(message.data || '{}') || {}; } catch { /* ids only anyway */ }
    const type = data.type || message.type;
    if (VIEW_EVENT.test(type)) {
      document.dispatchEvent(new CustomEvent('staff:event', { detail: { type, id: data.id || null } }));
      return;
    }
    const conv = state.conv;
    const matches = !!conv.id && (data.id === conv.id || (!!data.conversationId && conv.data && data.conversationId === conv.data.conversationId));
    if (type === 'outbound.failed') {
      if (matches) toast(t('deliveryFailed'), 'error');
      scheduleRefresh({ conversation: matches });
      return;
    }
    if (type === 'request.status_changed') {
      scheduleRefresh({ inbox: true, requests: state.requests.loaded, request: !!state.request.id && data.id === state.request.id });
      return;
    }
    scheduleRefresh({ inbox: true, conversation: matches });
  }

  function scheduleRefresh(what) {
    for (const k of Object.keys(what)) if (what[k]) due[k] = true;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(runRefresh, DEBOUNCE_MS);
  }

  function runRefresh() {
    if (!state.me) return;
    if (due.inbox) loadInbox();
    if (due.conversation && state.conv.id) loadConversation();
    if (due.requests && state.requests.loaded) loadRequests();
    if (due.request && state.request.id) loadRequest();
    due.inbox = due.conversation = due.requests = due.request = false;
  }

  // ---------------------------------------------------------------- timers
  let tickTimer = 0;
  let pollTimer = 0;
  function startTimers() {
    stopTimers();
    // Wait times move on without a fetch; a slow poll covers a stream that went quiet.
    tickTimer = setInterval(() => { if (state.inbox.loaded && !document.hidden) renderInbox(); }, TICK_MS);
    pollTimer = setInterval(() => { if (!document.hidden) scheduleRefresh({ inbox: true, conversation: !!state.conv.id }); }, POLL_MS);
  }
  function stopTimers() {
    clearInterval(tickTimer);
    clearInterval(pollTimer);
  }

  // ---------------------------------------------------------------- language switch
  function switchLanguage() {
    lang = lang === 'ar' ? 'en' : 'ar';
    store.set(LANG_KEY, lang);
    applyStaticI18n();
    renderAll();
    document.dispatchEvent(new CustomEvent('staff:lang', { detail: { lang } }));
  }

  /** Re-renders what the page shows from the data it has, in the current language. */
  function renderAll() {
    renderUser();
    setLive(!!source && source.readyState === EventSource.OPEN);
    renderCanned();
    if (state.inbox.loaded) renderInbox();
    if (state.conv.data) {
      $('transcript').dataset.for = '';
      renderConversation();
    }
    if (state.requests.loaded) renderRequests();
    if (state.request.data) renderRequest();
    if (state.staff.loaded) renderStaff();
    if (state.audit.loaded) renderAudit();
    const err = $('signin-error');
    if (!err.hidden && !state.me) err.hidden = true;
  }

  // ---------------------------------------------------------------- wiring
  function bind() {
    $('lang').addEventListener('click', switchLanguage);
    $('signin-form').addEventListener('submit', signIn);
    $('signout').addEventListener('click', signOut);
    $('toast-close').addEventListener('click', hideToast);
    window.addEventListener('hashchange', route);

    for (const tab of document.querySelectorAll('[role="tab"]')) {
      tab.addEventListener('click', () => navigate(tabHash(tab.dataset.tab)));
    }
    document.querySelector('[role="tablist"]').addEventListener('keydown', tabKeys);

    // Inbox
    document.querySelector('.filters').addEventListener('click', (event) => {
      const b = event.target.closest('.filter[data-filter]');
      if (b) setFilter(b.dataset.filter);
    });
    $('inbox-refresh').addEventListener('click', () => { loadInbox(); if (state.conv.id) loadConversation(); });
    $('handoff-list').addEventListener('click', (event) => {
      const item = event.target.closest('.handoff-item[data-id]');
      if (item) navigate(`#inbox/${encodeURIComponent(item.dataset.id)}`);
    });
    $('conversation-back').addEventListener('click', () => {
      const id = state.conv.id;
      navigate('#inbox');
      setTimeout(() => {
        const item = id && document.querySelector(`.handoff-item[data-id="${CSS.escape(id)}"]`);
        if (item) item.focus();
      }, 0);
    });
    $('claim').addEventListener('click', () => handoffAction('claim'));
    $('release').addEventListener('click', () => handoffAction('release'));
    $('resolve').addEventListener('click', () => handoffAction('resolve'));
    $('reply-form').addEventListener('submit', sendReply);
    $('reply-note').addEventListener('change', () => { renderComposer(); $('reply-text').focus(); });
    $('conversation-request-list').addEventListener('click', (event) => {
      const b = event.target.closest('.conversation-request[data-id]');
      if (b) navigate(`#requests/${encodeURIComponent(b.dataset.id)}`);
    });
    $('reply-text').addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        sendReply();
      }
    });
    $('canned').addEventListener('click', (event) => {
      const b = event.target.closest('.canned-reply[data-key]');
      if (b && !b.disabled) useCanned(b.dataset.key);
    });

    // Requests
    $('request-filter').addEventListener('change', () => {
      state.requests.filter = $('request-filter').value;
      state.requests.loaded = false;
      state.requests.items = [];
      renderRequests();
      loadRequests();
    });
    $('requests-refresh').addEventListener('click', () => { loadRequests(); if (state.request.id) loadRequest(); });
    $('request-list').addEventListener('click', (event) => {
      const item = event.target.closest('.request-item[data-id]');
      if (item) navigate(`#requests/${encodeURIComponent(item.dataset.id)}`);
    });
    $('request-back').addEventListener('click', () => {
      const id = state.request.id;
      navigate('#requests');
      setTimeout(() => {
        const item = id && document.querySelector(`.request-item[data-id="${CSS.escape(id)}"]`);
        if (item) item.focus();
      }, 0);
    });
    $('status-form').addEventListener('submit', saveStatus);

    // Admin
    $('staff-table').addEventListener('change', (event) => {
      const select = event.target.closest('.staff-role[data-id]');
      if (select) patchStaff(select.dataset.id, { role: select.value });
    });
    $('staff-table').addEventListener('click', (event) => {
      const b = event.target.closest('.staff-toggle[data-id]');
      if (b && !b.disabled) { b.disabled = true; patchStaff(b.dataset.id, { active: b.dataset.active !== 'true' }); }
      const reset = event.target.closest('.staff-reset[data-id]');
      if (reset && !reset.disabled) resetStaffPassword(reset);
    });
    $('change-password').addEventListener('click', () => {
      $('password-form').reset();
      $('password-dialog').showModal();
      $('current-password').focus();
    });
    $('password-cancel').addEventListener('click', () => $('password-dialog').close());
    $('password-form').addEventListener('submit', changeOwnPassword);
    $('staff-form').addEventListener('submit', createStaff);
    $('new-staff-generate').addEventListener('click', () => {
      const input = $('new-staff-password');
      input.value = generatePassword();
      input.focus();
      input.select();
    });
    $('audit-refresh').addEventListener('click', () => loadAudit(false));
    $('audit-more').addEventListener('click', () => loadAudit(true));

    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && state.me) scheduleRefresh({ inbox: true, conversation: !!state.conv.id });
    });
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !$('toast').hidden) hideToast();
    });

    renderCanned();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();

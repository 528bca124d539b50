/* Injab Bot — staff console, the Feedback view: suggestions and complaints sent through the bot.
 * Every role reads them; officers and admins answer each one once, and the answer reaches the
 * beneficiary in their own chat. Open complaints stand out (a red bar and a «شكوى مفتوحة» tag) until
 * answered, and the tab carries their count from sign-in on.
 * staff.js owns the tabs and tells this file which view is open (`staff:view`), when the language
 * changes (`staff:lang`) and when feedback arrived or was answered anywhere (`staff:event`).
 * The beneficiary's words reach the page through textContent only, never parsed as HTML.
 * Strings live in i18n.js under `feedback` (channel names under `channels`). */
(() => {
  'use strict';

  const I18N = self.STAFF_I18N;
  const API = '/staff/api';
  const LOCALES = { ar: 'ar', en: 'en-GB' };
  const KINDS = ['complaint', 'suggestion'];
  const STATUSES = ['open', 'answered'];
  const PAGE = 50;
  const EVENT_DEBOUNCE_MS = 300;

  const $ = (id) => document.getElementById(id);
  const has = (o, k) => !!o && Object.prototype.hasOwnProperty.call(o, k);

  const view = {
    open: false,
    me: null,
    kind: '',
    status: '',
    items: [],
    total: 0,
    loaded: false,
    seq: 0,
    error: '',
    selected: null,
    detail: null,
    detailSeq: 0,
    openComplaints: null,
    badgeSeq: 0,
    eventTimer: 0,
  };

  // ---------------------------------------------------------------- strings
  const lang = () => (document.documentElement.lang === 'en' ? 'en' : 'ar');
  const strings = (l) => (I18N[l] && I18N[l].feedback) || {};

  /** A string of the view; a key missing in English falls back to Arabic, as in staff.js. */
  function t(key, params) {
    let s = has(strings(lang()), key) ? strings(lang())[key] : strings('ar')[key];
    if (typeof s !== 'string') return key;
    if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] === undefined || params[k] === null ? m : String(params[k])));
    return s;
  }

  /** A label from a group of the view (kinds, statuses, categories), or the raw value. */
  function label(group, value) {
    const g = strings(lang())[group];
    return has(g, value) ? g[value] : String(value);
  }

  function channelName(channel) {
    const names = (I18N[lang()] || I18N.ar).channels;
    return has(names, channel) ? names[channel] : channel;
  }

  const fmtNum = (n) => new Intl.NumberFormat(LOCALES[lang()], { numberingSystem: 'latn' }).format(n);
  function fmtDate(v) {
    const d = v ? new Date(v) : null;
    if (!d || Number.isNaN(d.getTime())) return '';
    return new Intl.DateTimeFormat(LOCALES[lang()], { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: 'Asia/Riyadh', calendar: 'gregory', numberingSystem: 'latn' }).format(d);
  }

  function applyStaticStrings() {
    for (const node of document.querySelectorAll('[data-feedback-i18n]')) node.textContent = t(node.dataset.feedbackI18n);
    for (const node of document.querySelectorAll('[data-feedback-i18n-attr]')) {
      for (const pair of node.dataset.feedbackI18nAttr.split(';')) {
        const [attr, key] = pair.split(':');
        if (attr && key) node.setAttribute(attr, t(key));
      }
    }
    fillSelect($('feedback-kind'), t('allKinds'), KINDS.map((k) => [k, label('kinds', k)]), view.kind);
    fillSelect($('feedback-status'), t('allStatuses'), STATUSES.map((s) => [s, label('statuses', s)]), view.status);
    renderBadge();
  }

  function fillSelect(select, all, options, chosen) {
    select.replaceChildren(el('option', { value: '', text: all }), ...options.map(([value, text]) => el('option', { value, text })));
    select.value = chosen;
  }

  // ---------------------------------------------------------------- DOM helpers
  /** Builds an element; `text` sets textContent, `class` the class, other keys are attributes. */
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

  function showError(node, text) {
    node.textContent = text || '';
    node.hidden = !text;
  }

  // ---------------------------------------------------------------- API
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

  async function loadMe() {
    if (view.me) return;
    const { status, data } = await call('/me');
    if (status === 200 && data) view.me = data;
  }

  const canReply = () => !!view.me && (view.me.role === 'officer' || view.me.role === 'admin');

  /** The open complaints for the tab's badge (the list answer carries the count). */
  async function loadBadge() {
    const mine = ++view.badgeSeq;
    const { status, data } = await call('/feedback?kind=complaint&status=open&limit=1');
    if (mine !== view.badgeSeq) return;
    if (status === 200 && data && typeof data.openComplaints === 'number') view.openComplaints = data.openComplaints;
    renderBadge();
  }

  async function loadList(more = false) {
    const mine = ++view.seq;
    const offset = more ? view.items.length : 0;
    const limit = more ? PAGE : Math.min(200, Math.max(PAGE, view.items.length));
    const query = new URLSearchParams({ limit: String(limit), offset: String(offset) });
    if (view.kind) query.set('kind', view.kind);
    if (view.status) query.set('status', view.status);
    $('feedback-list').setAttribute('aria-busy', 'true');
    const { status, data } = await call(`/feedback?${query}`);
    if (mine !== view.seq || !view.open) return;
    $('feedback-list').setAttribute('aria-busy', 'false');
    if (status === 200 && data && Array.isArray(data.items)) {
      view.items = more ? view.items.concat(data.items) : data.items;
      view.total = typeof data.total === 'number' ? data.total : view.items.length;
      view.openComplaints = data.openComplaints;
      view.loaded = true;
      view.error = '';
    } else {
      view.error = 'loadFailed';
    }
    renderList();
    renderBadge();
  }

  async function loadDetail(id) {
    const mine = ++view.detailSeq;
    const { status, data } = await call(`/feedback/${encodeURIComponent(id)}`);
    if (mine !== view.detailSeq || !view.open || view.selected !== id) return;
    if (status === 200 && data) {
      view.detail = data;
      renderDetail();
    } else {
      view.detail = null;
      renderDetail();
      $('feedback-note').textContent = t('detailFailed');
    }
  }

  async function sendReply(event) {
    event.preventDefault();
    const detail = view.detail;
    if (!detail) return;
    const textarea = $('feedback-reply-text');
    const error = $('feedback-reply-error');
    const button = $('feedback-send');
    const text = textarea.value.trim();
    if (!text) {
      textarea.setAttribute('aria-invalid', 'true');
      showError(error, t('emptyReply'));
      textarea.focus();
      return;
    }
    textarea.removeAttribute('aria-invalid');
    showError(error, '');
    button.disabled = true;
    button.textContent = t('sending');
    const { status, data } = await call(`/feedback/${encodeURIComponent(detail.id)}/reply`, { method: 'POST', body: { text } });
    if (!view.open || view.selected !== detail.id) return;
    button.disabled = false;
    button.textContent = t('send');
    if (status === 200 && data) {
      textarea.value = '';
      view.detail = data;
      view.items = view.items.map((item) => (item.id === data.id ? { ...item, status: data.status, repliedAt: data.repliedAt } : item));
      renderList();
      renderDetail();
      $('feedback-note').textContent = t('sent');
      $('feedback-title').focus();
      loadBadge();
      loadList();
    } else if (status === 409) {
      $('feedback-note').textContent = t('alreadyAnswered');
      loadDetail(detail.id);
      loadList();
    } else if (status === 403) {
      showError(error, t('readOnly'));
    } else {
      showError(error, t(status === 400 ? 'emptyReply' : 'sendFailed'));
    }
  }

  // ---------------------------------------------------------------- rendering
  function renderBadge() {
    const badge = $('feedback-count');
    const n = view.openComplaints;
    badge.hidden = !n;
    badge.textContent = n ? fmtNum(n) : '';
    if (n) badge.setAttribute('title', t('badge', { count: fmtNum(n) }));
    else badge.removeAttribute('title');
  }

  const isOpenComplaint = (item) => item.kind === 'complaint' && item.status === 'open';

  function renderList() {
    showError($('feedback-error'), view.error ? t(view.error) : '');
    const list = $('feedback-list');
    const focused = document.activeElement && document.activeElement.classList.contains('feedback-item') ? document.activeElement.dataset.id : null;
    list.replaceChildren(...view.items.map((item) => el('li', null, listItem(item))));
    $('feedback-empty').hidden = !view.loaded || view.items.length > 0 || !!view.error;
    $('feedback-more').hidden = !view.loaded || view.items.length >= view.total;
    if (focused) {
      const again = list.querySelector(`.feedback-item[data-id="${CSS.escape(focused)}"]`);
      if (again) again.focus();
    }
  }

  function listItem(item) {
    const openComplaint = isOpenComplaint(item);
    return el('button', {
      type: 'button',
      class: 'feedback-item',
      'data-id': item.id,
      'data-kind': item.kind,
      'data-status': item.status,
      'data-open-complaint': openComplaint ? 'true' : 'false',
      'aria-current': view.selected === item.id ? 'true' : null,
    },
    el('span', { class: 'item-top' },
      el('span', { class: 'item-name' }, `${label('kinds', item.kind)} `, el('bdi', { class: 'reference', dir: 'ltr', text: item.reference })),
      openComplaint
        ? el('span', { class: 'badge fb-open-tag', text: t('openComplaint') })
        : el('span', { class: 'status-badge fb-status', 'data-status': item.status, text: label('statuses', item.status) })),
    el('span', { class: 'item-bottom' },
      el('span', { text: label('categories', item.category) }),
      el('time', { datetime: item.createdAt, text: fmtDate(item.createdAt) })));
  }

  function renderDetail() {
    const d = view.detail;
    const panel = $('panel-feedback');
    panel.classList.toggle('has-detail', !!view.selected);
    $('feedback-placeholder').hidden = !!view.selected;
    $('feedback-detail').hidden = !view.selected || !d;
    if (!d) return;
    const openComplaint = isOpenComplaint(d);
    $('feedback-detail').dataset.openComplaint = openComplaint ? 'true' : 'false';
    $('feedback-title').replaceChildren(`${label('kinds', d.kind)} `, el('bdi', { class: 'reference', dir: 'ltr', text: d.reference }));
    $('feedback-meta').replaceChildren(
      openComplaint ? el('span', { class: 'badge fb-open-tag', text: t('openComplaint') }) : el('span', { class: 'status-badge fb-status', 'data-status': d.status, text: label('statuses', d.status) }),
      el('span', { class: 'chip', text: `${t('category')}: ${label('categories', d.category)}` }),
      el('span', { class: 'chip channel', text: channelName(d.channel) }),
      el('time', { datetime: d.createdAt, text: t('receivedAt', { date: fmtDate(d.createdAt) }) }));
    // The beneficiary's words, as they typed them: text, never markup.
    $('feedback-text').textContent = d.text || '';
    const answered = d.status === 'answered';
    $('feedback-answer').hidden = !answered;
    if (answered) {
      $('feedback-answer-by').textContent = t('repliedBy', { name: d.repliedByName || t('unknownStaff'), date: fmtDate(d.repliedAt) });
      $('feedback-answer-text').textContent = d.reply || '';
    }
    $('feedback-reply-form').hidden = answered || !canReply();
    $('feedback-readonly').hidden = answered || canReply();
    $('feedback-reply-hint').textContent = t('replyHint', { kind: label('kindsOf', d.kind), reference: d.reference });
  }

  // ---------------------------------------------------------------- wiring
  function select(id) {
    if (view.selected !== id) {
      $('feedback-reply-text').value = '';
      showError($('feedback-reply-error'), '');
    }
    view.selected = id;
    view.detail = null;
    $('feedback-note').textContent = '';
    renderList();
    renderDetail();
    loadDetail(id);
  }

  function deselect() {
    const id = view.selected;
    view.selected = null;
    view.detail = null;
    view.detailSeq += 1;
    renderList();
    renderDetail();
    const item = id && document.querySelector(`.feedback-item[data-id="${CSS.escape(id)}"]`);
    if (item) item.focus();
  }

  async function openView() {
    if (view.open) return;
    view.open = true;
    applyStaticStrings();
    await loadMe();
    if (!view.open) return;
    loadList();
    if (view.selected) loadDetail(view.selected);
  }

  /** Leaves the view: forgets the beneficiaries' words it showed. */
  function closeView() {
    view.open = false;
    view.seq += 1;
    view.detailSeq += 1;
    clearTimeout(view.eventTimer);
    view.detail = null;
    view.selected = null;
    view.items = [];
    view.loaded = false;
    $('feedback-list').replaceChildren();
    $('feedback-text').textContent = '';
    $('feedback-answer-text').textContent = '';
    $('feedback-reply-text').value = '';
    $('feedback-note').textContent = '';
    renderDetail();
  }

  function onView(event) {
    const tab = event.detail && event.detail.tab;
    if (tab === null) {
      // Signed out: nothing of the session stays, the badge included.
      closeView();
      view.me = null;
      view.openComplaints = null;
      view.badgeSeq += 1;
      view.kind = '';
      view.status = '';
      renderBadge();
      return;
    }
    if (view.openComplaints === null) loadBadge();
    if (tab === 'feedback') openView();
    else if (view.open) closeView();
  }

  function onLang() {
    applyStaticStrings();
    if (!view.open) return;
    renderList();
    renderDetail();
  }

  function onStaffEvent(event) {
    const type = event.detail && event.detail.type;
    if (type !== 'feedback.received' && type !== 'feedback.answered') return;
    clearTimeout(view.eventTimer);
    view.eventTimer = setTimeout(() => {
      if (!view.open) { loadBadge(); return; }
      loadList();
      const id = event.detail.id;
      if (view.selected && id === view.selected) loadDetail(id);
    }, EVENT_DEBOUNCE_MS);
  }

  function init() {
    applyStaticStrings();
    document.addEventListener('staff:view', onView);
    document.addEventListener('staff:lang', onLang);
    document.addEventListener('staff:event', onStaffEvent);
    $('feedback-kind').addEventListener('change', () => { view.kind = $('feedback-kind').value; view.items = []; view.loaded = false; renderList(); loadList(); });
    $('feedback-status').addEventListener('change', () => { view.status = $('feedback-status').value; view.items = []; view.loaded = false; renderList(); loadList(); });
    $('feedback-refresh').addEventListener('click', () => {
      if (!view.open) return;
      loadList();
      if (view.selected) loadDetail(view.selected);
    });
    $('feedback-more').addEventListener('click', () => { if (view.open) loadList(true); });
    $('feedback-list').addEventListener('click', (event) => {
      const item = event.target.closest('.feedback-item[data-id]');
      if (item) select(item.dataset.id);
    });
    $('feedback-back').addEventListener('click', deselect);
    $('feedback-reply-form').addEventListener('submit', sendReply);
    // In case staff.js opened the view before this file ran.
    if (!$('panel-feedback').hidden) openView();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();

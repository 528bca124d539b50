/* Injab Bot — beneficiary web chat client (Direct Line 3.0 subset, same origin).
 * Plain ES2020, no dependencies, no build step. Message text is only ever set via
 * textContent / text nodes, never parsed as HTML. */
(() => {
  'use strict';

  const API = 'v3/directline/conversations';
  const STORE_KEY = 'injab.chat';
  const LANG_KEY = 'injab.lang';
  const MAX_LEN = 2000;
  const WARN_LEN = 1800;
  const MAX_FILE = 10 * 1024 * 1024;
  const POLL_VISIBLE = 2000;
  const POLL_HIDDEN = 10000;
  const POLL_MAX = 30000;
  const NUMERIC = new Set(['number', 'nationalId', 'phone']);
  const LOCALES = { ar: 'ar-SA', en: 'en-US' };

  const STRINGS = {
    ar: {
      docTitle: 'جمعية إنجاب — المحادثة',
      title: 'جمعية إنجاب',
      subtitle: 'مساعد جمعية مساعدة المتأخرين عن الإنجاب',
      welcome: 'أهلًا وسهلًا بك في جمعية إنجاب. اكتب رسالتك هنا وسيساعدك مساعد الجمعية.',
      conversation: 'المحادثة',
      inputLabel: 'اكتب رسالتك',
      placeholder: 'اكتب رسالتك…',
      placeholderAttach: 'أرفق الملف المطلوب أو اكتب رسالتك…',
      send: 'إرسال',
      attach: 'إرفاق ملف (PDF أو صورة)',
      switchTo: 'English',
      newChat: 'محادثة جديدة',
      newChatDone: 'بدأت محادثة جديدة.',
      confirmNew: 'بدء محادثة جديدة؟ ستُغلق المحادثة الحالية.',
      start: 'ابدأ',
      close: 'إغلاق المحادثة',
      choices: 'خيارات الرد',
      retry: 'إعادة المحاولة',
      dismiss: 'إخفاء التنبيه',
      connError: 'تعذّر الاتصال بالخادم. تأكد من اتصالك بالإنترنت.',
      offline: 'لا يوجد اتصال بالإنترنت. سنعيد المحاولة تلقائيًا.',
      sendFailed: 'تعذّر إرسال الرسالة، ولم تُفقد؛ ما زالت في خانة الكتابة.',
      uploadFailed: 'تعذّر رفع الملف.',
      tooFast: 'وصلنا الكثير في وقت قصير. انتظر لحظات ثم حاول مرة أخرى، ولم يضع شيء مما كتبت.',
      sessionExpired: 'انتهت الجلسة السابقة، فبدأنا محادثة جديدة.',
      tooLarge: 'حجم الملف أكبر من ١٠ ميغابايت. اختر ملفًا أصغر.',
      badType: 'يُقبل ملف PDF أو صورة فقط (JPG أو PNG أو HEIC أو WebP).',
      uploading: 'جارٍ رفع الملف…',
      file: 'ملف',
    },
    en: {
      docTitle: 'Injab Association — Chat',
      title: 'Injab Association',
      subtitle: 'Assistant for couples facing delayed childbearing',
      welcome: 'Welcome to Injab Association. Type your message below and our assistant will help you.',
      conversation: 'Conversation',
      inputLabel: 'Type your message',
      placeholder: 'Type your message…',
      placeholderAttach: 'Attach the requested file or type a message…',
      send: 'Send',
      attach: 'Attach a file (PDF or image)',
      switchTo: 'عربي',
      newChat: 'New conversation',
      newChatDone: 'A new conversation has started.',
      confirmNew: 'Start a new conversation? The current one will be closed.',
      start: 'Start',
      close: 'Close chat',
      choices: 'Reply options',
      retry: 'Retry',
      dismiss: 'Dismiss',
      connError: 'Can’t reach the server. Please check your internet connection.',
      offline: 'You are offline. We will retry automatically.',
      sendFailed: 'Your message could not be sent. It is kept in the message box.',
      uploadFailed: 'The file could not be uploaded.',
      tooFast: 'That was a lot in a short time. Please wait a moment and try again; nothing you wrote is lost.',
      sessionExpired: 'Your previous session expired, so a new conversation was started.',
      tooLarge: 'The file is larger than 10 MB. Please choose a smaller file.',
      badType: 'Only a PDF or a photo (JPG, PNG, HEIC, WebP) can be attached.',
      uploading: 'Uploading…',
      file: 'File',
    },
  };

  // ---------------------------------------------------------------- DOM
  const $ = (id) => document.getElementById(id);
  const root = document.documentElement;
  const list = $('messages');
  const input = $('input');
  const sendBtn = $('send');
  const attachBtn = $('attach');
  const fileInput = $('file');
  const langBtn = $('lang');
  const newBtn = $('new');
  const closeBtn = $('close');
  const noticeEl = $('notice');
  const noticeText = $('notice-text');
  const retryBtn = $('retry');
  const counter = $('counter');
  const welcome = $('welcome');
  const typingEl = $('typing');
  const form = $('composer');

  // ---------------------------------------------------------------- storage
  const store = {
    get(k) { try { return localStorage.getItem(k); } catch { return null; } },
    set(k, v) { try { if (v == null) localStorage.removeItem(k); else localStorage.setItem(k, v); } catch { /* private mode */ } },
  };

  const params = new URLSearchParams(location.search);
  const embedded = params.get('embed') === '1' && window.parent !== window;

  let lang = store.get(LANG_KEY) || params.get('lang') || 'ar';
  if (lang !== 'en') lang = 'ar';
  const t = (key) => STRINGS[lang][key] || STRINGS.ar[key] || key;

  let conv = null; // { conversationId, token, userId }
  let userId = '';
  try {
    const s = JSON.parse(store.get(STORE_KEY) || 'null');
    if (s && typeof s.userId === 'string') userId = s.userId;
    if (s && s.conversationId && s.token) conv = { conversationId: s.conversationId, token: s.token, userId };
  } catch { /* ignore corrupt storage */ }
  /** 12 random bytes in hex: the visitor's id, and each message's name for its resends. */
  const randomHex = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (x) => x.toString(16).padStart(2, '0')).join('');
  if (!userId) userId = 'web-' + randomHex();
  if (conv) conv.userId = userId;
  const persist = () => store.set(STORE_KEY, JSON.stringify(conv || { userId }));
  persist();

  // ---------------------------------------------------------------- http
  class HttpError extends Error {
    constructor(status, retryAfter) { super('HTTP ' + status); this.status = status; this.retryAfter = retryAfter || 0; }
  }
  /** 429: the server asks us to slow down (Retry-After, in seconds). */
  const isTooFast = (e) => !!e && e.status === 429;
  const isGone = (e) => !!e && (e.status === 401 || e.status === 403 || e.status === 404);
  const enc = encodeURIComponent;

  async function api(path, { method = 'GET', token, body, json, timeout } = {}) {
    const headers = {};
    if (token) headers.Authorization = 'Bearer ' + token;
    if (json !== undefined) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
    const ctrl = timeout ? new AbortController() : null;
    const timer = ctrl ? setTimeout(() => ctrl.abort(), timeout) : 0;
    try {
      const res = await fetch(path, { method, headers, body, cache: 'no-store', credentials: 'same-origin', signal: ctrl ? ctrl.signal : undefined });
      if (!res.ok) throw new HttpError(res.status, Number(res.headers.get('Retry-After')) || 0);
      const text = await res.text();
      return text ? JSON.parse(text) : {};
    } finally {
      clearTimeout(timer);
    }
  }

  // ---------------------------------------------------------------- conversation
  let creating = null;
  let watermark = '0';
  let firstLoad = true;
  const seen = new Set();

  function ensureConversation() {
    if (conv) return Promise.resolve(conv);
    if (!creating) {
      creating = api(API, { method: 'POST' })
        .then((j) => {
          if (!j || !j.conversationId || !j.token) throw new Error('bad conversation response');
          conv = { conversationId: String(j.conversationId), token: String(j.token), userId };
          watermark = '0';
          firstLoad = true;
          persist();
          return conv;
        })
        .finally(() => { creating = null; });
    }
    return creating;
  }

  function start() {
    ensureConversation().then(
      () => { clearNotice('conn'); schedulePoll(0); },
      (e) => setNotice('conn', isTooFast(e) ? 'tooFast' : 'connError', start),
    );
  }

  /** Forget the current conversation, clear the view and open a fresh one. */
  async function resetConversation(noticeKey) {
    conv = null;
    persist();
    watermark = '0';
    seen.clear();
    echoes.length = 0;
    for (const el of list.querySelectorAll('.msg, .suggested')) el.remove();
    for (const item of queue) {
      item.id = null;
      item.confirmed = false;
      item.el.dataset.state = 'sending';
      echoes.push(item);
      list.insertBefore(item.el, typingEl);
    }
    setTyping(0);
    refresh();
    if (noticeKey) setNotice('info', noticeKey);
    const c = await ensureConversation();
    schedulePoll(0);
    return c;
  }

  // ---------------------------------------------------------------- polling
  let pollTimer = 0;
  let polling = false;
  let pollAgain = false;
  let failures = 0;
  let pollPause = 0; // ms the server asked us to wait (429)

  function schedulePoll(delay) {
    clearTimeout(pollTimer);
    if (delay == null) {
      delay = failures
        ? Math.min(POLL_MAX, POLL_VISIBLE * 2 ** failures)
        : document.hidden ? POLL_HIDDEN : POLL_VISIBLE;
    }
    pollTimer = setTimeout(poll, delay);
  }

  async function poll() {
    if (polling) { pollAgain = true; return; }
    const c = conv;
    if (!c) return;
    polling = true;
    try {
      const data = await api(`${API}/${enc(c.conversationId)}/activities?watermark=${enc(watermark)}`, { token: c.token, timeout: 25000 });
      if (c !== conv) return;
      failures = 0;
      clearNotice('conn');
      if (data && Array.isArray(data.activities)) render(data.activities, firstLoad);
      if (data && data.watermark != null) watermark = String(data.watermark);
      firstLoad = false;
    } catch (e) {
      if (c !== conv) return;
      if (isGone(e)) {
        if (!busy) resetConversation('sessionExpired').catch(() => setNotice('conn', 'connError', start));
        return;
      }
      failures++;
      if (isTooFast(e)) {
        pollPause = Math.max(POLL_VISIBLE, e.retryAfter * 1000);
        setNotice('conn', 'tooFast');
        return;
      }
      if (!navigator.onLine) setNotice('conn', 'offline');
      else if (failures >= 2) setNotice('conn', 'connError', () => { failures = 0; schedulePoll(0); });
    } finally {
      polling = false;
      if (conv) {
        if (pollAgain && !pollPause) { pollAgain = false; schedulePoll(0); } else schedulePoll(pollPause || undefined);
        pollPause = 0;
      }
    }
  }

  document.addEventListener('visibilitychange', () => schedulePoll(document.hidden ? undefined : 0));
  window.addEventListener('online', () => { failures = 0; if (conv) schedulePoll(0); else start(); });
  window.addEventListener('offline', () => setNotice('conn', 'offline'));

  // ---------------------------------------------------------------- rendering
  const actionsOf = new WeakMap();
  const URL_RE = /\bhttps?:\/\/[^\s<>"'،]+[^\s<>"'.,;:!?)\]}،؛»]/gi;

  function fillText(node, text, links) {
    if (!links) { node.textContent = text; return; }
    let at = 0;
    for (const m of text.matchAll(URL_RE)) {
      if (m.index > at) node.append(text.slice(at, m.index));
      const a = document.createElement('a');
      a.href = m[0];
      a.textContent = m[0];
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      a.dir = 'ltr';
      node.append(a);
      at = m.index + m[0].length;
    }
    if (at < text.length) node.append(text.slice(at));
  }

  function buildMessage(a, role) {
    const el = document.createElement('div');
    el.className = 'msg';
    el.dataset.role = role;
    el.dir = 'auto';
    if (a.id != null) el.dataset.id = String(a.id);
    let content = false;
    if (typeof a.text === 'string' && a.text) {
      const p = document.createElement('div');
      p.className = 'text';
      fillText(p, a.text, role === 'bot');
      el.append(p);
      content = true;
    }
    const files = (Array.isArray(a.attachments) ? a.attachments : [])
      .filter((x) => x && !/^application\/vnd\.microsoft\.card/.test(x.contentType || ''));
    if (files.length) {
      const ul = document.createElement('ul');
      ul.className = 'files';
      for (const f of files) {
        const li = document.createElement('li');
        const span = document.createElement('span');
        span.dir = 'auto';
        span.textContent = f.name || f.contentType || t('file');
        li.append(span);
        ul.append(li);
      }
      el.append(ul);
      content = true;
    }
    if (role === 'bot') {
      const acts = a.suggestedActions && Array.isArray(a.suggestedActions.actions) ? a.suggestedActions.actions : [];
      if (acts.length) actionsOf.set(el, acts);
      el.dataset.inputType = (a.channelData && a.channelData.inputType) || 'text';
    }
    if (!content) el.hidden = true; // e.g. an activity carrying only suggested actions
    return el;
  }

  /** Stream messages go above the optimistic bubbles that the server has not confirmed yet. */
  function anchor() {
    const pending = queue.find((x) => !x.confirmed);
    return pending ? pending.el : typingEl;
  }

  const atBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 96;
  const toBottom = () => { list.scrollTop = list.scrollHeight; };

  function render(activities, initial) {
    const stick = initial || atBottom();
    let added = false;
    let botAdded = false;
    let typing = false;
    let botLocale = '';
    for (const a of activities) {
      if (!a || typeof a !== 'object') continue;
      if (a.id != null) {
        if (seen.has(String(a.id))) continue;
        seen.add(String(a.id));
      }
      const isUser = !!a.from && a.from.role === 'user';
      const type = a.type || 'message';
      if (type === 'typing') { if (!isUser && !initial) typing = true; continue; }
      if (type !== 'message') continue;
      if (isUser) {
        const echo = matchEcho(a);
        if (echo) {
          confirmEcho(echo, a.id);
          const at = anchor(); // settle it at its place in the stream
          if (echo.el.nextSibling !== at) list.insertBefore(echo.el, at);
          added = true;
          continue;
        }
      } else {
        typing = false;
        botAdded = true;
        if (typeof a.locale === 'string') botLocale = a.locale.slice(0, 2).toLowerCase();
      }
      list.insertBefore(buildMessage(a, isUser ? 'user' : 'bot'), anchor());
      added = true;
    }
    // Follow the bot when it changed language on its own (e.g. the user typed "English").
    if (botLocale && botLocale !== lang && STRINGS[botLocale] && !busy) {
      lang = botLocale;
      store.set(LANG_KEY, lang);
      applyLang();
    }
    if (typing) setTyping(4000);
    else if (botAdded) setTyping(0);
    if (added) refresh();
    if ((added || typing) && stick) toBottom();
  }

  /** Welcome line, suggested actions (last bot message only) and input mode. */
  function refresh() {
    const msgs = list.querySelectorAll('.msg');
    welcome.hidden = msgs.length > 0;
    newBtn.disabled = busy || !msgs.length;
    const old = list.querySelector('.suggested');
    if (old) old.remove();

    let lastBot = null;
    for (let i = msgs.length - 1; i >= 0; i--) if (msgs[i].dataset.role === 'bot') { lastBot = msgs[i]; break; }
    applyInputType(lastBot ? lastBot.dataset.inputType : 'text');

    const last = msgs[msgs.length - 1];
    if (!last || last !== lastBot) return;
    const acts = (actionsOf.get(last) || []).filter((x) => x && (!x.type || x.type === 'imBack' || x.type === 'postBack'));
    if (!acts.length) return;
    const box = document.createElement('div');
    box.className = 'suggested';
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', t('choices'));
    for (const act of acts) {
      const value = act.value != null ? String(act.value) : String(act.title || '');
      if (!value) continue;
      const b = document.createElement('button');
      b.type = 'button';
      b.dir = 'auto';
      b.textContent = act.title != null ? String(act.title) : value;
      b.addEventListener('click', () => {
        box.remove();
        enqueue({ text: value });
      });
      box.append(b);
    }
    list.insertBefore(box, last.nextSibling);
  }

  let inputType = 'text';
  function applyInputType(type) {
    inputType = type || 'text';
    input.setAttribute('inputmode', NUMERIC.has(inputType) ? 'numeric' : 'text');
    input.setAttribute('autocomplete', inputType === 'phone' ? 'tel' : 'off');
    input.dataset.inputType = inputType;
    input.placeholder = t(inputType === 'attachment' ? 'placeholderAttach' : 'placeholder');
    attachBtn.classList.toggle('highlight', inputType === 'attachment');
  }

  // ---------------------------------------------------------------- typing indicator
  let typingUntil = 0;
  let typingTimer = 0;
  let sendTyping = false;
  function setTyping(ms) {
    typingUntil = ms ? Date.now() + ms : 0;
    clearTimeout(typingTimer);
    if (ms) typingTimer = setTimeout(updateTyping, ms + 20);
    updateTyping();
  }
  function updateTyping() {
    const on = sendTyping || Date.now() < typingUntil;
    if (on === !typingEl.hidden) return;
    const stick = atBottom();
    typingEl.hidden = !on;
    if (on && stick) toBottom();
  }

  // ---------------------------------------------------------------- sending
  const queue = []; // items waiting to be / being delivered, in order
  const echoes = []; // optimistic user bubbles not yet seen in the stream
  let busy = false;

  function enqueue(item) {
    item.el = buildMessage({ text: item.text, attachments: item.file ? [{ name: item.file.name }] : null }, 'user');
    item.el.dataset.state = 'sending';
    if (item.file) {
      const s = document.createElement('span');
      s.className = 'status';
      s.dataset.i18n = 'uploading';
      s.textContent = t('uploading');
      item.el.append(s);
    }
    list.insertBefore(item.el, typingEl);
    queue.push(item);
    echoes.push(item);
    if (notice && notice.kind !== 'conn') clearNotice();
    refresh();
    toBottom();
    pump();
  }

  function matchEcho(a) {
    const id = a.id != null ? String(a.id) : null;
    let e = id ? echoes.find((x) => x.id === id) : null;
    if (!e) {
      const name = Array.isArray(a.attachments) && a.attachments[0] ? a.attachments[0].name : null;
      e = echoes.find((x) => !x.id && (x.file ? !!name && name === x.file.name : (a.text || '').trim() === x.text));
    }
    return e || null;
  }

  function confirmEcho(item, id) {
    const i = echoes.indexOf(item);
    if (i >= 0) echoes.splice(i, 1);
    item.confirmed = true;
    if (id != null) { item.id = String(id); item.el.dataset.id = item.id; }
    markSent(item);
  }

  function markSent(item) {
    delete item.el.dataset.state;
    const s = item.el.querySelector('.status');
    if (s) s.remove();
  }

  async function pump() {
    if (busy) return;
    busy = true;
    newBtn.disabled = true;
    while (queue.length) {
      const item = queue[0];
      const typingDelay = setTimeout(() => { sendTyping = true; updateTyping(); }, 500);
      try {
        const id = await deliver(item);
        queue.shift();
        if (sendTyping) setTyping(3000); // keep it until the reply is polled
        markSent(item);
        if (!item.confirmed && id != null) {
          item.id = String(id);
          item.el.dataset.id = item.id;
          if (seen.has(item.id)) {
            // The stream already rendered it (text normalised by the server): drop the echo.
            item.el.remove();
            echoes.splice(echoes.indexOf(item), 1);
            refresh();
          }
        }
        if (notice && notice.kind === 'error') clearNotice('error');
      } catch (e) {
        fail(e);
      } finally {
        clearTimeout(typingDelay);
        sendTyping = false;
        updateTyping();
      }
      schedulePoll(0);
    }
    busy = false;
    newBtn.disabled = !list.querySelector('.msg');
  }

  /** Worth sending again as it is: the network dropped, or the server was briefly away (it stored nothing, or the same name finds what it stored). */
  const isPassing = (e) => !(e instanceof HttpError) || e.status === 502 || e.status === 503 || e.status === 504;

  async function deliver(item) {
    // One name per message for all its attempts: the server answers a resend it already has only once.
    if (!item.clientId) item.clientId = randomHex();
    for (let attempt = 0, passing = 0; ; attempt++) {
      const c = await ensureConversation();
      try {
        let res;
        if (item.file) {
          const fd = new FormData();
          fd.append('file', item.file, item.file.name);
          res = await api(`${API}/${enc(c.conversationId)}/upload?userId=${enc(userId)}`, { method: 'POST', token: c.token, body: fd });
        } else {
          res = await api(`${API}/${enc(c.conversationId)}/activities`, {
            method: 'POST',
            token: c.token,
            json: { type: 'message', from: { id: userId, role: 'user' }, text: item.text, locale: item.locale || LOCALES[lang], channelData: { clientActivityID: item.clientId } },
          });
        }
        return res && res.id != null ? res.id : null;
      } catch (e) {
        if (isGone(e) && attempt < 2) {
          if (conv === c) await resetConversation('sessionExpired');
          continue;
        }
        if (!item.file && isPassing(e) && passing < 2) {
          passing++;
          await new Promise((r) => setTimeout(r, Math.min(10, Math.max(1, (e && e.retryAfter) || passing * 2)) * 1000));
          continue;
        }
        throw e;
      }
    }
  }

  /** A delivery failed: the failed item and everything queued after it come back to the user. */
  function fail(err) {
    const items = queue.splice(0);
    const texts = [];
    const files = [];
    for (const item of items) {
      const i = echoes.indexOf(item);
      if (i >= 0) echoes.splice(i, 1);
      if (item.confirmed) { markSent(item); continue; } // the server has it after all
      item.el.remove();
      if (item.file) files.push(item.file); else texts.push(item.text);
    }
    refresh();
    if (texts.length) {
      input.value = [...texts, input.value].filter(Boolean).join('\n').slice(0, MAX_LEN);
      updateComposer();
    }
    if (!texts.length && !files.length) return;
    const status = err && err.status;
    if (files.length && !texts.length && (status === 413 || status === 415)) {
      setNotice('error', status === 413 ? 'tooLarge' : 'badType'); // retrying would not help
      return;
    }
    setNotice('error', isTooFast(err) ? 'tooFast' : texts.length ? 'sendFailed' : 'uploadFailed', () => {
      for (const f of files) enqueue({ file: f });
      if (texts.length) submit();
    });
  }

  function submit() {
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    updateComposer();
    enqueue({ text: text.slice(0, MAX_LEN), locale: LOCALES[lang] });
  }

  // ---------------------------------------------------------------- notices
  let notice = null; // { kind: 'error'|'conn'|'info', key, retry, action }
  function setNotice(kind, key, retry, action) {
    if (kind === 'conn' && notice && notice.kind === 'error') return; // keep the actionable one
    notice = { kind, key, retry, action: action || 'retry' };
    renderNotice();
  }
  function clearNotice(kind) {
    if (notice && (!kind || notice.kind === kind)) { notice = null; renderNotice(); }
  }
  function renderNotice() {
    noticeEl.hidden = !notice;
    if (!notice) return;
    noticeEl.dataset.kind = notice.kind;
    noticeText.textContent = t(notice.key);
    retryBtn.hidden = !notice.retry;
    retryBtn.textContent = t(notice.action);
  }
  retryBtn.addEventListener('click', () => {
    const r = notice && notice.retry;
    clearNotice();
    if (r) r();
  });
  $('dismiss').addEventListener('click', () => clearNotice());

  // ---------------------------------------------------------------- composer
  function updateComposer() {
    const n = input.value.length;
    sendBtn.disabled = !input.value.trim();
    counter.hidden = n < WARN_LEN;
    counter.textContent = `${n} / ${MAX_LEN}`;
    counter.classList.toggle('full', n >= MAX_LEN);
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 2, 168) + 'px';
  }

  input.addEventListener('input', updateComposer);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submit();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
    input.focus();
  });

  attachBtn.addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    const f = fileInput.files && fileInput.files[0];
    fileInput.value = '';
    if (!f) return;
    const ok = f.type === 'application/pdf' || /\.pdf$/i.test(f.name) || /^image\//.test(f.type);
    if (!ok) return setNotice('error', 'badType');
    if (f.size > MAX_FILE) return setNotice('error', 'tooLarge');
    enqueue({ file: f });
  });

  // ---------------------------------------------------------------- language
  function applyLang() {
    root.lang = lang;
    root.dir = lang === 'ar' ? 'rtl' : 'ltr';
    document.title = t('docTitle');
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    for (const el of document.querySelectorAll('[data-i18n-attr]')) {
      for (const pair of el.dataset.i18nAttr.split(';')) {
        const [attr, key] = pair.split(':');
        el.setAttribute(attr, t(key));
      }
    }
    langBtn.textContent = t('switchTo');
    langBtn.lang = lang === 'ar' ? 'en' : 'ar';
    const group = list.querySelector('.suggested');
    if (group) group.setAttribute('aria-label', t('choices'));
    applyInputType(inputType);
    renderNotice();
  }

  langBtn.addEventListener('click', () => {
    lang = lang === 'ar' ? 'en' : 'ar';
    store.set(LANG_KEY, lang);
    applyLang();
    enqueue({ text: lang === 'en' ? 'English' : 'عربي', locale: LOCALES[lang] });
  });

  newBtn.addEventListener('click', () => {
    if (busy) return;
    setNotice('info', 'confirmNew', () => {
      if (busy) return;
      resetConversation('newChatDone').catch(() => setNotice('conn', 'connError', start));
    }, 'start');
    retryBtn.focus();
  });

  // ---------------------------------------------------------------- embedding
  if (embedded) {
    root.classList.add('embedded');
    closeBtn.hidden = false;
    const close = () => window.parent.postMessage({ type: 'injab:close' }, '*');
    closeBtn.addEventListener('click', close);
    document.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(); });
  }

  // ---------------------------------------------------------------- boot
  applyLang();
  updateComposer();
  refresh();
  if (conv) schedulePoll(0); else start();
})();

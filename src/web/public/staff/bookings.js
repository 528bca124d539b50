/* Injab Bot — staff console, the Bookings view (every role): interviews and callbacks grouped by
 * day, each day named in the Gregorian and Hijri calendars by the API (no calendar maths here), with
 * confirm / move / cancel (each with an optional note for the beneficiary) and done. Moving offers
 * the open days and windows with their free places from GET /staff/api/bookings/calendar.
 * staff.js owns the tabs and tells this file which view is open (`staff:view`), when the language
 * changes (`staff:lang`) and when a booking was made or changed anywhere (`staff:event`).
 * Values from the API reach the page through textContent and attributes only.
 * Strings live in i18n.js under `bookings` (channel names under `channels`); the shared helpers in
 * view-kit.js. */
(() => {
  'use strict';

  const { $, lang, el, call, fillSelect, showError, statusBadge, channelChip, formatNumber: fmtNum, applyStrings, debounce, mount } = self.StaffViewKit;
  const { t, label } = self.StaffViewKit.texts('bookings');
  const STATUSES = ['requested', 'confirmed', 'cancelled', 'done'];
  const KINDS = ['interview', 'callback'];
  /** What may be done from each status; the API checks the same. */
  const NEXT = { requested: ['confirm', 'move', 'cancel', 'done'], confirmed: ['move', 'cancel', 'done'], cancelled: [], done: [] };
  const SAVED = { confirm: 'savedConfirm', move: 'savedMove', cancel: 'savedCancel', done: 'savedDone' };
  const SUBMIT = { confirm: 'confirmSubmit', move: 'moveSubmit', cancel: 'cancelSubmit' };
  const PAGE = 100;
  const RIYADH_OFFSET_MS = 3 * 3600_000;
  const EVENT_DEBOUNCE_MS = 300;

  const view = {
    open: false,
    status: '',
    kind: '',
    past: false,
    items: [],
    loaded: false,
    more: false,
    seq: 0,
    error: '',
    /** The one open action form: { id, action, note, day, window, error, busy }. */
    form: null,
    /** id → the audited detail (phone, note, contact) once asked for. */
    details: new Map(),
    calendar: null,
    calendarError: false,
    /** An event came while a form was open: reload once it closes. */
    stale: false,
  };

  /** A booking made or changed anywhere: reload, or once the open form closes. */
  const liveReload = debounce(EVENT_DEBOUNCE_MS, () => {
    view.calendar = null;
    if (view.form) view.stale = true;
    else loadList();
  });

  // ---------------------------------------------------------------- strings
  /** A label pair from the API ({ar, en}) in the console's language. */
  const pick = (labels, fallback) => (labels && typeof labels[lang()] === 'string' ? labels[lang()] : fallback);
  const today = () => new Date(Date.now() + RIYADH_OFFSET_MS).toISOString().slice(0, 10);

  function applyStaticStrings() {
    applyStrings('bookings', t);
    fillSelect($('bookings-status'), t('allStatuses'), STATUSES.map((s) => [s, label('statuses', s)]), view.status);
    fillSelect($('bookings-kind'), t('allKinds'), KINDS.map((k) => [k, label('kinds', k)]), view.kind);
  }

  // ---------------------------------------------------------------- loading
  async function loadList(more = false) {
    const mine = ++view.seq;
    const query = new URLSearchParams({ limit: String(PAGE), offset: String(more ? view.items.length : 0) });
    if (view.status) query.set('status', view.status);
    if (view.kind) query.set('kind', view.kind);
    if (!view.past) query.set('from', today());
    $('bookings-days').setAttribute('aria-busy', 'true');
    const { status, data } = await call(`/bookings?${query}`);
    if (mine !== view.seq || !view.open) return;
    $('bookings-days').setAttribute('aria-busy', 'false');
    if (status === 200 && data && Array.isArray(data.items)) {
      view.items = more ? view.items.concat(data.items) : data.items;
      view.more = data.items.length === PAGE;
      view.loaded = true;
      view.error = '';
    } else {
      view.error = 'loadFailed';
    }
    render();
  }

  async function loadCalendar() {
    view.calendarError = false;
    const { status, data } = await call('/bookings/calendar');
    if (!view.open) return;
    if (status === 200 && data && Array.isArray(data.days)) view.calendar = data;
    else view.calendarError = true;
    const form = view.form;
    if (form && form.action === 'move') {
      const first = view.calendar && view.calendar.days[0];
      if (!form.day && first) form.day = first.day;
      render();
    }
  }

  async function toggleDetails(id) {
    if (view.details.has(id)) {
      view.details.delete(id);
      render();
      return;
    }
    view.details.set(id, null);
    render();
    const { status, data } = await call(`/bookings/${encodeURIComponent(id)}`);
    if (!view.open || !view.details.has(id)) return;
    view.details.set(id, status === 200 && data ? data : { error: true });
    render();
  }

  async function submit(id, action) {
    const form = view.form && view.form.id === id && view.form.action === action ? view.form : null;
    const item = view.items.find((b) => b.id === id);
    if (!item) return;
    let body = {};
    if (form) {
      if (form.note.trim()) body.note = form.note.trim();
      if (action === 'move') body = { ...body, day: form.day, window: form.window };
      form.busy = true;
      form.error = '';
      render();
    }
    const { status, data } = await call(`/bookings/${encodeURIComponent(id)}/${action}`, { method: 'POST', body });
    if (!view.open) return;
    if (status === 200 && data) {
      view.form = null;
      view.details.delete(id);
      view.items = view.items.map((b) => (b.id === id ? { ...b, ...data } : b));
      $('bookings-note').textContent = t(SAVED[action], { reference: data.reference });
      render();
      const card = document.querySelector(`.bk-item[data-id="${CSS.escape(id)}"] .bk-actions button`);
      if (card) card.focus();
      else $('bookings-title').focus();
      if (action === 'move') view.calendar = null;
      loadList();
      return;
    }
    const code = data && data.error && data.error.code;
    const message = code === 'Full' ? 'errFull' : code === 'InvalidTransition' ? 'errTransition' : status === 400 ? 'errBadArgument' : 'errSave';
    if (form) {
      form.busy = false;
      form.error = message;
      render();
    } else {
      $('bookings-note').textContent = t(message);
    }
    if (code === 'Full') loadCalendar();
    if (code === 'InvalidTransition') loadList();
  }

  // ---------------------------------------------------------------- rendering
  function render() {
    showError($('bookings-error'), view.error ? t(view.error) : '');
    const days = [];
    for (const item of view.items) {
      const last = days[days.length - 1];
      if (last && last.day === item.day) last.items.push(item);
      else days.push({ day: item.day, label: item.dayLabel, items: [item] });
    }
    $('bookings-days').replaceChildren(...days.map((d) => {
      const headingId = `bk-day-${d.day}`;
      return el('section', { class: 'bk-day', 'aria-labelledby': headingId },
        el('h3', { id: headingId, class: 'bk-day-title', text: pick(d.label, d.day) }),
        el('ul', { class: 'bk-list', 'aria-label': t('dayList', { day: pick(d.label, d.day) }) }, d.items.map(card)));
    }));
    $('bookings-empty').hidden = !view.loaded || view.items.length > 0 || !!view.error;
    $('bookings-more').hidden = !view.loaded || !view.more;
    const form = view.form;
    if (form && form.focus) {
      form.focus = false;
      const target = document.querySelector(`.bk-form[data-id="${CSS.escape(form.id)}"] select, .bk-form[data-id="${CSS.escape(form.id)}"] textarea`);
      if (target) target.focus();
    }
  }

  function card(b) {
    const actions = NEXT[b.status] || [];
    const open = view.form && view.form.id === b.id ? view.form : null;
    const detailsShown = view.details.has(b.id);
    return el('li', { class: 'bk-item', 'data-id': b.id, 'data-status': b.status, 'data-kind': b.kind },
      el('div', { class: 'bk-head' },
        el('span', { class: 'bk-window', text: pick(b.windowLabel, b.window) }),
        el('span', { class: 'chip bk-kind', 'data-kind': b.kind, text: label('kinds', b.kind) }),
        statusBadge('bk-status', b.status, label('statuses', b.status)),
        el('span', { class: 'bk-ref' }, el('span', { class: 'sr-only', text: `${t('reference')} ` }), el('bdi', { class: 'reference', dir: 'ltr', text: b.reference })),
        channelChip(b.channel)),
      el('div', { class: 'bk-actions' },
        actions.map((a) => el('button', {
          type: 'button',
          class: `btn small${a === 'confirm' ? ' primary' : ''}`,
          'data-action': a,
          'data-id': b.id,
          'aria-expanded': a === 'done' ? null : String(!!open && open.action === a),
          text: t(a),
        })),
        el('button', { type: 'button', class: 'btn small bk-details-btn', 'data-action': 'details', 'data-id': b.id, 'aria-expanded': String(detailsShown), text: t(detailsShown ? 'hideDetails' : 'details') })),
      detailsShown ? details(view.details.get(b.id), b) : null,
      open ? actionForm(b, open) : null);
  }

  function details(d, b) {
    if (!d) return el('p', { class: 'muted bk-details', text: t('loading') });
    if (d.error) return el('p', { class: 'form-error bk-details', text: t('errSave') });
    const row = (term, value) => el('div', { class: 'fact' }, el('dt', { text: term }), el('dd', null, value));
    return el('dl', { class: 'facts bk-details' },
      b.kind === 'callback' ? row(t('phone'), el('bdi', { dir: 'ltr', class: 'mono', text: d.phone || '—' })) : null,
      row(t('contact'), el('bdi', { text: (d.contact && d.contact.displayName) || '—' })),
      row(t('staffNote'), el('span', { dir: 'auto', class: 'bk-note', text: d.staffNote || t('noNote') })));
  }

  function actionForm(b, form) {
    const noteId = `bk-note-${b.id}`;
    const errorId = `bk-error-${b.id}`;
    const parts = [];
    if (form.action === 'move') parts.push(...movePickers(b, form));
    parts.push(el('div', { class: 'form-row' },
      el('label', { for: noteId, text: t('noteLabel') }),
      el('textarea', { id: noteId, name: 'note', rows: 2, maxlength: 500, dir: 'auto', 'aria-describedby': errorId })));
    const node = el('form', { class: 'bk-form', 'data-id': b.id, 'data-action': form.action, novalidate: true },
      parts,
      el('p', { id: errorId, class: 'form-error', role: 'alert', hidden: !form.error, text: form.error ? t(form.error) : '' }),
      el('div', { class: 'bk-form-actions' },
        el('button', { type: 'submit', class: `btn small${form.action === 'cancel' ? ' danger' : ' primary'}`, disabled: form.busy || (form.action === 'move' && !(form.day && form.window)), text: form.busy ? t('saving') : t(SUBMIT[form.action]) }),
        el('button', { type: 'button', class: 'btn small', 'data-action': 'close', 'data-id': b.id, text: t('close') })));
    node.querySelector('textarea').value = form.note;
    return node;
  }

  function movePickers(b, form) {
    const cal = view.calendar;
    if (!cal) return [el('p', { class: view.calendarError ? 'form-error' : 'muted', text: t(view.calendarError ? 'calendarFailed' : 'loading') })];
    if (cal.days.length === 0) return [el('p', { class: 'muted', text: t('noDays') })];
    const dayId = `bk-day-pick-${b.id}`;
    const windowId = `bk-window-pick-${b.id}`;
    const day = cal.days.find((d) => d.day === form.day) || cal.days[0];
    const daySelect = el('select', { id: dayId, name: 'day' }, cal.days.map((d) => el('option', { value: d.day, text: pick(d.label, d.day) })));
    daySelect.value = day.day;
    const windowSelect = el('select', { id: windowId, name: 'window' },
      el('option', { value: '', text: '—' }),
      day.windows.map((w) => {
        const known = cal.windows.find((c) => c.id === w.id);
        const name = pick(known && known.label, w.id);
        const current = day.day === b.day && w.id === b.window;
        return el('option', { value: w.id, disabled: w.free <= 0 || current, text: w.free > 0 ? t('freeOf', { window: name, free: fmtNum(w.free), capacity: fmtNum(cal.capacity) }) : t('full', { window: name }) });
      }));
    windowSelect.value = form.window && day.windows.some((w) => w.id === form.window && w.free > 0) ? form.window : '';
    form.window = windowSelect.value;
    return [
      el('div', { class: 'form-row' }, el('label', { for: dayId, text: t('dayLabel') }), daySelect),
      el('div', { class: 'form-row' }, el('label', { for: windowId, text: t('windowLabel') }), windowSelect),
    ];
  }

  // ---------------------------------------------------------------- wiring
  function onClick(event) {
    const button = event.target.closest('button[data-action][data-id]');
    if (!button || !view.open) return;
    const { action, id } = button.dataset;
    if (action === 'details') { toggleDetails(id); return; }
    if (action === 'close') { closeForm(id); return; }
    if (action === 'done') { submit(id, 'done'); return; }
    if (view.form && view.form.id === id && view.form.action === action) { closeForm(id); return; }
    view.form = { id, action, note: '', day: '', window: '', error: '', busy: false, focus: true };
    if (action === 'move') {
      if (view.calendar) view.form.day = (view.calendar.days[0] || {}).day || '';
      loadCalendar();
    }
    render();
  }

  function closeForm(id) {
    view.form = null;
    render();
    const button = document.querySelector(`.bk-item[data-id="${CSS.escape(id)}"] .bk-actions button`);
    if (button) button.focus();
    if (view.stale) { view.stale = false; loadList(); }
  }

  function onInput(event) {
    const form = view.form;
    const node = event.target.closest('.bk-form');
    if (!form || !node || node.dataset.id !== form.id) return;
    const field = event.target.name;
    if (field === 'note') { form.note = event.target.value; return; }
    if (field === 'day') { form.day = event.target.value; form.window = ''; render(); document.getElementById(`bk-day-pick-${form.id}`).focus(); }
    if (field === 'window') { form.window = event.target.value; render(); document.getElementById(`bk-window-pick-${form.id}`).focus(); }
  }

  function onSubmit(event) {
    const node = event.target.closest('.bk-form');
    if (!node) return;
    event.preventDefault();
    if (view.form && !view.form.busy) submit(node.dataset.id, node.dataset.action);
  }

  function reload() {
    view.items = [];
    view.loaded = false;
    view.form = null;
    render();
    loadList();
  }

  function openView() {
    if (view.open) return;
    view.open = true;
    applyStaticStrings();
    loadList();
  }

  /** Leaves the view: forgets what it showed (numbers to call included). */
  function closeView() {
    view.open = false;
    view.seq += 1;
    liveReload.cancel();
    view.items = [];
    view.loaded = false;
    view.form = null;
    view.details.clear();
    view.calendar = null;
    view.stale = false;
    $('bookings-days').replaceChildren();
    $('bookings-note').textContent = '';
  }

  function onLang() {
    applyStaticStrings();
    if (view.open) render();
  }

  mount({
    tab: 'bookings',
    isOpen: () => view.open,
    open: openView,
    close: closeView,
    signedOut() { view.status = ''; view.kind = ''; view.past = false; $('bookings-past').checked = false; },
    lang: onLang,
    live({ type }) { if (view.open && (type === 'booking.requested' || type === 'booking.changed')) liveReload.schedule(); },
    setup() {
      applyStaticStrings();
      $('bookings-status').addEventListener('change', () => { view.status = $('bookings-status').value; if (view.open) reload(); });
      $('bookings-kind').addEventListener('change', () => { view.kind = $('bookings-kind').value; if (view.open) reload(); });
      $('bookings-past').addEventListener('change', () => { view.past = $('bookings-past').checked; if (view.open) reload(); });
      $('bookings-refresh').addEventListener('click', () => { if (view.open) { view.calendar = null; loadList(); } });
      $('bookings-more').addEventListener('click', () => { if (view.open) loadList(true); });
      const days = $('bookings-days');
      days.addEventListener('click', onClick);
      days.addEventListener('input', onInput);
      days.addEventListener('change', onInput);
      days.addEventListener('submit', onSubmit);
    },
  });
})();

/* Injab Bot — staff console, the Volunteers view (officers and admins): the people who registered
 * to volunteer through the bot, as a table with each one's status and the team's note. A status
 * change is told to the volunteer in their chat (the API does that); the mobile number is shown on
 * asking, through the audited detail.
 * staff.js owns the tabs and tells this file which view is open (`staff:view`), when the language
 * changes (`staff:lang`) and when a volunteer registered or changed anywhere (`staff:event`).
 * Values from the API reach the page through textContent and attributes only.
 * Strings live in i18n.js under `volunteers`; the shared helpers in view-kit.js. */
(() => {
  'use strict';

  const { $, lang, el, call, loadPage, fillSelect, showError, formatDate, applyStrings, debounce, mount } = self.StaffViewKit;
  const { t, label } = self.StaffViewKit.texts('volunteers');
  const STATUSES = ['new', 'contacted', 'active', 'declined'];
  const PAGE = 50;
  const EVENT_DEBOUNCE_MS = 300;

  const view = {
    open: false,
    status: '',
    items: [],
    total: 0,
    loaded: false,
    seq: 0,
    error: '',
    /** id → { status, note } the team is editing and has not saved. */
    drafts: new Map(),
    /** id → the number once asked for (null while loading). */
    phones: new Map(),
    busy: new Set(),
    stale: false,
  };

  /** A volunteer registered or changed anywhere. A row being edited is not drawn again under the
   * team's hands: the refresh waits for the save. */
  const liveReload = debounce(EVENT_DEBOUNCE_MS, () => {
    if (view.drafts.size > 0) view.stale = true;
    else loadList();
  });

  function applyStaticStrings() {
    applyStrings('volunteers', t);
    fillSelect($('volunteers-status'), t('allStatuses'), STATUSES.map((s) => [s, label('statuses', s)]), view.status);
  }

  // ---------------------------------------------------------------- loading and saving
  async function loadList(more = false) {
    const mine = ++view.seq;
    const answer = await loadPage(view, {
      path: '/volunteers',
      filters: { status: view.status },
      page: PAGE,
      more,
      busy: $('volunteers-table'),
      stale: () => mine !== view.seq || !view.open,
      failed: (status) => (status === 403 ? 'forbidden' : 'loadFailed'),
    });
    if (answer) render();
  }

  async function showPhone(id) {
    view.phones.set(id, null);
    render();
    const { status, data } = await call(`/volunteers/${encodeURIComponent(id)}`);
    if (!view.open) return;
    if (status === 200 && data && data.phone) view.phones.set(id, data.phone);
    else view.phones.delete(id);
    render();
    const cell = document.querySelector(`.vol-row[data-id="${CSS.escape(id)}"] .vol-phone`);
    if (cell) cell.focus();
  }

  async function save(id) {
    const item = view.items.find((v) => v.id === id);
    if (!item || view.busy.has(id)) return;
    const draft = view.drafts.get(id) || { status: item.status, note: item.staffNote || '' };
    const body = { status: draft.status };
    if (draft.note.trim()) body.note = draft.note.trim();
    view.busy.add(id);
    render();
    const { status, data } = await call(`/volunteers/${encodeURIComponent(id)}/status`, { method: 'POST', body });
    view.busy.delete(id);
    if (!view.open) return;
    const note = $('volunteers-note');
    if (status === 200 && data) {
      view.drafts.delete(id);
      view.items = view.items.map((v) => (v.id === id ? data : v));
      note.textContent = data.status !== item.status ? t('savedTold', { name: data.name }) : t('saved');
    } else {
      note.textContent = t(status === 409 ? 'errTransition' : status === 403 ? 'forbidden' : 'errSave');
    }
    render();
    const select = document.querySelector(`.vol-row[data-id="${CSS.escape(id)}"] select`);
    if (select) select.focus();
    if (view.stale && view.drafts.size === 0) { view.stale = false; loadList(); }
  }

  // ---------------------------------------------------------------- rendering
  function render() {
    showError($('volunteers-error'), view.error ? t(view.error) : '');
    $('volunteers-table').querySelector('tbody').replaceChildren(...view.items.map(row));
    $('volunteers-empty').hidden = !view.loaded || view.items.length > 0 || !!view.error;
    $('volunteers-more').hidden = !view.loaded || view.items.length >= view.total;
  }

  function row(v) {
    const draft = view.drafts.get(v.id) || { status: v.status, note: v.staffNote || '' };
    const busy = view.busy.has(v.id);
    const statuses = [v.status, ...(v.nextStatuses || [])];
    const select = el('select', { class: 'vol-status', name: 'status', 'data-id': v.id, 'aria-label': t('statusOf', { name: v.name }), disabled: busy },
      statuses.map((s) => el('option', { value: s, text: label('statuses', s) })));
    select.value = draft.status;
    const note = el('input', { type: 'text', class: 'vol-note-input', name: 'note', 'data-id': v.id, maxlength: 1000, dir: 'auto', 'aria-label': t('noteOf', { name: v.name }), disabled: busy });
    note.value = draft.note;
    const phone = view.phones.get(v.id);
    const phoneCell = view.phones.has(v.id)
      ? el('bdi', { class: 'vol-phone mono', dir: 'ltr', tabindex: '-1', text: phone || t('saving') })
      : el('button', { type: 'button', class: 'btn small', 'data-action': 'phone', 'data-id': v.id, text: t('showPhone') });
    return el('tr', { class: 'vol-row', 'data-id': v.id, 'data-status': v.status },
      el('td', null, el('bdi', { class: 'vol-name', text: v.name })),
      el('td', { text: (v.cityLabel && v.cityLabel[lang()]) || v.city }),
      el('td', null, label('fields', v.field), v.fieldDetails ? el('span', { class: 'muted vol-details', dir: 'auto', text: v.fieldDetails }) : null),
      el('td', { text: label('times', v.availability) }),
      el('td', null, el('time', { datetime: v.createdAt, text: formatDate(v.createdAt) })),
      el('td', null, phoneCell),
      el('td', null, select),
      el('td', null, el('div', { class: 'vol-note' }, note,
        el('button', { type: 'button', class: 'btn small primary', 'data-action': 'save', 'data-id': v.id, disabled: busy, text: busy ? t('saving') : t('save') }))));
  }

  // ---------------------------------------------------------------- wiring
  function onEdit(event) {
    const id = event.target.dataset && event.target.dataset.id;
    const item = id && view.items.find((v) => v.id === id);
    if (!item || !event.target.name) return;
    const draft = view.drafts.get(id) || { status: item.status, note: item.staffNote || '' };
    draft[event.target.name] = event.target.value;
    if (draft.status === item.status && draft.note === (item.staffNote || '')) view.drafts.delete(id);
    else view.drafts.set(id, draft);
  }

  function onClick(event) {
    const button = event.target.closest('button[data-action][data-id]');
    if (!button || !view.open) return;
    if (button.dataset.action === 'phone') showPhone(button.dataset.id);
    if (button.dataset.action === 'save') save(button.dataset.id);
  }

  function openView() {
    if (view.open) return;
    view.open = true;
    applyStaticStrings();
    loadList();
  }

  /** Leaves the view: forgets the names and numbers it showed. */
  function closeView() {
    view.open = false;
    view.seq += 1;
    liveReload.cancel();
    view.items = [];
    view.loaded = false;
    view.drafts.clear();
    view.phones.clear();
    view.busy.clear();
    view.stale = false;
    $('volunteers-table').querySelector('tbody').replaceChildren();
    $('volunteers-note').textContent = '';
  }

  mount({
    tab: 'volunteers',
    isOpen: () => view.open,
    open: openView,
    close: closeView,
    signedOut() { view.status = ''; },
    lang() {
      applyStaticStrings();
      if (view.open) render();
    },
    live({ type }) { if (view.open && (type === 'volunteer.registered' || type === 'volunteer.changed')) liveReload.schedule(); },
    setup() {
      applyStaticStrings();
      $('volunteers-status').addEventListener('change', () => {
        view.status = $('volunteers-status').value;
        if (!view.open) return;
        view.items = [];
        view.loaded = false;
        view.drafts.clear();
        render();
        loadList();
      });
      $('volunteers-refresh').addEventListener('click', () => { if (view.open) loadList(); });
      $('volunteers-more').addEventListener('click', () => { if (view.open) loadList(true); });
      const table = $('volunteers-table');
      table.addEventListener('input', onEdit);
      table.addEventListener('change', onEdit);
      table.addEventListener('click', onClick);
      table.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && event.target.classList.contains('vol-note-input')) {
          event.preventDefault();
          save(event.target.dataset.id);
        }
      });
    },
  });
})();

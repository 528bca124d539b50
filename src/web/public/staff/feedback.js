/* Injab Bot — staff console, the Feedback view: suggestions and complaints sent through the bot.
 * Every role reads them; officers and admins answer each one once, and the answer reaches the
 * beneficiary in their own chat. Open complaints stand out (a red bar and a «شكوى مفتوحة» tag) until
 * answered, and the tab carries their count from sign-in on.
 * staff.js owns the tabs and tells this file which view is open (`staff:view`), when the language
 * changes (`staff:lang`) and when feedback arrived or was answered anywhere (`staff:event`).
 * The beneficiary's words reach the page through textContent only, never parsed as HTML.
 * Strings live in i18n.js under `feedback` (channel names under `channels`); the shared helpers in
 * view-kit.js. */
(() => {
  'use strict';

  const kit = self.StaffViewKit;
  const { $, el, call, loadPage, fillSelect, showError, statusBadge, channelChip, formatNumber: fmtNum, applyStrings, requireFilled, setBusy, debounce, mount } = kit;
  const { t, label } = kit.texts('feedback');
  const KINDS = ['complaint', 'suggestion'];
  const STATUSES = ['open', 'answered'];
  const PAGE = 50;
  const EVENT_DEBOUNCE_MS = 300;

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
  };

  const fmtDate = (v) => kit.formatDate(v, true);

  /** Feedback arrived or was answered anywhere: the list (and the one shown), or only the badge. */
  const liveReload = debounce(EVENT_DEBOUNCE_MS, (id) => {
    if (!view.open) { loadBadge(); return; }
    loadList();
    if (view.selected && id === view.selected) loadDetail(id);
  });

  function applyStaticStrings() {
    applyStrings('feedback', t);
    fillSelect($('feedback-kind'), t('allKinds'), KINDS.map((k) => [k, label('kinds', k)]), view.kind);
    fillSelect($('feedback-status'), t('allStatuses'), STATUSES.map((s) => [s, label('statuses', s)]), view.status);
    renderBadge();
  }

  // ---------------------------------------------------------------- API
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
    const answer = await loadPage(view, {
      path: '/feedback',
      filters: { kind: view.kind, status: view.status },
      page: PAGE,
      more,
      busy: $('feedback-list'),
      stale: () => mine !== view.seq || !view.open,
      failed: () => 'loadFailed',
    });
    if (!answer) return;
    if (answer.ok) view.openComplaints = answer.data.openComplaints;
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
    if (!requireFilled(textarea, error, t('emptyReply'))) return;
    const text = textarea.value.trim();
    setBusy(button, true, t('sending'));
    const { status, data } = await call(`/feedback/${encodeURIComponent(detail.id)}/reply`, { method: 'POST', body: { text } });
    if (!view.open || view.selected !== detail.id) return;
    setBusy(button, false, t('send'));
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
        : statusBadge('fb-status', item.status, label('statuses', item.status))),
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
      openComplaint ? el('span', { class: 'badge fb-open-tag', text: t('openComplaint') }) : statusBadge('fb-status', d.status, label('statuses', d.status)),
      el('span', { class: 'chip', text: `${t('category')}: ${label('categories', d.category)}` }),
      channelChip(d.channel),
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
    liveReload.cancel();
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

  function onView(tab) {
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

  mount({
    tab: 'feedback',
    open: openView,
    view: onView,
    lang() {
      applyStaticStrings();
      if (!view.open) return;
      renderList();
      renderDetail();
    },
    live({ type, id }) { if (type === 'feedback.received' || type === 'feedback.answered') liveReload.schedule(id); },
    setup() {
      applyStaticStrings();
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
    },
  });
})();

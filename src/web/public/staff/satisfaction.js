/* Injab Bot — staff console, the Satisfaction view (officers and admins): the survey report for a
 * range of months (headline figures, a monthly chart, the 1–5 distribution, tables per channel,
 * staff member and milestone) and the follow-ups of low ratings, which a supervisor closes with a note.
 * staff.js owns the tabs and tells this file which view is open (`staff:view`), when the language
 * changes (`staff:lang`) and when a follow-up was opened or closed anywhere (`staff:event`).
 * Charts are SVG built with DOM calls and styled by classes (the console's CSP allows no inline
 * style); each has a visually hidden table with the same figures. A beneficiary's comment reaches
 * the page through textContent only, never parsed as HTML.
 * Strings live in i18n.js under `satisfaction` (channel names under `channels`); the shared
 * helpers in view-kit.js. */
(() => {
  'use strict';

  const kit = self.StaffViewKit;
  const { $, has, lang, el, call, loadPage, showError, channelChip, applyStrings, requireFilled, setBusy, debounce, mount, LOCALES } = kit;
  const { t, label } = kit.texts('satisfaction');
  const SVG = 'http://www.w3.org/2000/svg';
  const MILESTONES = ['handoff', 'decision', 'service'];
  const PAGE = 50;
  const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
  const MAX_MONTHS = 24;
  const EVENT_DEBOUNCE_MS = 300;

  const emptyList = () => ({ items: [], total: 0, loaded: false, error: '', seq: 0 });

  const view = {
    open: false,
    seq: 0,
    range: null,
    report: null,
    error: '',
    lists: { open: emptyList(), done: emptyList() },
    showDone: false,
    /** surveyId → { node, sig }: list items are kept while unchanged, so a note being typed survives a refresh. */
    nodes: new Map(),
  };

  /** A follow-up was opened or closed anywhere. */
  const liveReload = debounce(EVENT_DEBOUNCE_MS, () => {
    loadList('open');
    if (view.showDone) loadList('done');
  });

  // ---------------------------------------------------------------- strings and numbers
  /** A string of the view as nodes: `{name}` and the like become the nodes given (a <bdi> around a name). */
  function tNodes(key, params) {
    return t(key).split(/(\{\w+\})/).filter(Boolean).map((part) => {
      const m = /^\{(\w+)\}$/.exec(part);
      return m && has(params, m[1]) ? params[m[1]] : part;
    });
  }

  const milestoneName = (kind) => label('milestones', kind);

  function staffName(staffId, name) {
    if (staffId === null || staffId === undefined) return t('unassigned');
    return name || t('removedStaff');
  }

  function fmt() {
    const loc = LOCALES[lang()];
    const latn = { numberingSystem: 'latn' };
    return {
      int: new Intl.NumberFormat(loc, latn),
      avg: new Intl.NumberFormat(loc, { minimumFractionDigits: 1, maximumFractionDigits: 1, ...latn }),
      pct: new Intl.NumberFormat(loc, { style: 'percent', maximumFractionDigits: 0, ...latn }),
      month: new Intl.DateTimeFormat(loc, { month: 'short', year: 'numeric', timeZone: 'UTC', calendar: 'gregory', ...latn }),
    };
  }

  const monthLabel = (f, month) => {
    const [y, m] = String(month).split('-').map(Number);
    return Number.isFinite(y) && Number.isFinite(m) ? f.month.format(new Date(Date.UTC(y, m - 1, 1))) : String(month);
  };
  const average = (f, s) => (typeof s.average === 'number' ? f.avg.format(s.average) : t('none'));
  const rate = (f, s) => f.pct.format(typeof s.responseRate === 'number' ? s.responseRate : 0);
  const dateText = (v) => kit.formatDate(v, true);
  const monthIndex = (text) => { const [y, m] = text.split('-').map(Number); return y * 12 + m - 1; };

  const applyStaticStrings = () => applyStrings('satisfaction', t);

  // ---------------------------------------------------------------- DOM helpers
  /** Like the kit's `el`, for SVG; `text` becomes the element's text (a <text> or a <title>). */
  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined) continue;
      if (key === 'text') node.textContent = String(value);
      else node.setAttribute(key, String(value));
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  // ---------------------------------------------------------------- API
  async function loadReport() {
    const mine = ++view.seq;
    const query = view.range ? `?${new URLSearchParams(view.range)}` : '';
    $('sat-report').setAttribute('aria-busy', 'true');
    const { status, data } = await call(`/reports/satisfaction${query}`);
    if (mine !== view.seq || !view.open) return;
    $('sat-report').setAttribute('aria-busy', 'false');
    if (status === 200 && data && data.overall) {
      view.report = data;
      view.range = { from: data.from, to: data.to };
      view.error = '';
    } else {
      view.error = status === 403 ? 'forbidden' : status === 400 ? 'badRange' : 'loadFailed';
    }
    renderReport();
  }

  async function loadList(state, more = false) {
    const list = view.lists[state];
    const mine = ++list.seq;
    const answer = await loadPage(list, {
      path: '/followups',
      filters: { state },
      page: PAGE,
      more,
      busy: $(`followups-${state}`),
      stale: () => mine !== list.seq || !view.open,
      failed: (status) => (status === 403 ? 'forbidden' : 'followupsFailed'),
    });
    if (answer) renderList(state);
  }

  async function markDone(form) {
    const id = form.dataset.id;
    const note = form.elements.note;
    const error = form.querySelector('.form-error');
    const button = form.querySelector('button[type="submit"]');
    if (!requireFilled(note, error, t('noteRequired'))) return;
    setBusy(button, true, t('saving'));
    const { status } = await call(`/surveys/${encodeURIComponent(id)}/follow-up`, { method: 'POST', body: { note: note.value } });
    if (!view.open) return;
    setBusy(button, false, t('markDone'));
    if (status === 200 || status === 409 || status === 404) {
      $('followups-status').textContent = t(status === 200 ? 'saved' : 'alreadyDone');
      view.lists.open.items = view.lists.open.items.filter((item) => item.surveyId !== id);
      view.lists.open.total = Math.max(0, view.lists.open.total - 1);
      renderList('open');
      $('followups-title').focus();
      loadList('open');
      if (view.showDone) loadList('done');
    } else {
      showError(error, t(status === 400 ? 'noteRequired' : 'saveFailed'));
    }
  }

  // ---------------------------------------------------------------- report
  function renderReport() {
    applyStaticStrings();
    const r = view.report;
    showError($('sat-error'), view.error ? t(view.error) : '');
    if (view.range) {
      if (document.activeElement !== $('sat-from')) $('sat-from').value = view.range.from;
      if (document.activeElement !== $('sat-to')) $('sat-to').value = view.range.to;
    }
    $('sat-report').hidden = !r;
    if (!r) return;
    const f = fmt();
    $('sat-period').textContent = t('period', { from: monthLabel(f, r.from), to: monthLabel(f, r.to) });
    $('sat-sent').textContent = f.int.format(r.overall.sent);
    $('sat-answered').textContent = f.int.format(r.overall.answered);
    $('sat-rate').textContent = rate(f, r.overall);
    $('sat-average').replaceChildren(average(f, r.overall), typeof r.overall.average === 'number' ? el('span', { class: 'sat-out-of', text: ` ${t('outOf5')}` }) : '');
    $('sat-monthly').replaceChildren(monthlyChart(f, r.byMonth || []), monthlyTable(f, r.byMonth || []));
    $('sat-distribution').replaceChildren(...distribution(f, r.overall));
    fillTable($('sat-channels'), t('colChannel'), (r.byChannel || []).map((s) => [kit.channelName(s.channel), s]), f);
    fillTable($('sat-staff'), t('colStaff'), (r.byStaff || []).map((s) => [staffName(s.staffId, s.displayName), s]), f);
    fillTable($('sat-milestones'), t('colMilestone'), (r.byMilestone || []).map((s) => [milestoneName(s.milestone), s]), f);
  }

  /** Bars of the average (0–5) per month and a line of the response rate (0–100 %); months run with the reading direction. */
  function monthlyChart(f, months) {
    const rtl = lang() === 'ar';
    const slot = 84;
    const axis = 34;
    const top = 26;
    const base = 176;
    const width = axis * 2 + slot * Math.max(months.length, 1);
    const height = 226;
    const x = (i) => axis + slot * (rtl ? months.length - 1 - i : i) + slot / 2;
    const y = (fraction) => base - (base - top) * fraction;
    const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'sat-svg', 'aria-hidden': 'true', focusable: 'false' });
    for (let g = 0; g <= 5; g += 1) {
      chart.append(svg('line', { class: 'sat-grid', x1: axis, x2: width - axis, y1: y(g / 5), y2: y(g / 5) }));
      chart.append(svg('text', { class: 'sat-axis', x: rtl ? width - axis + 6 : axis - 6, y: y(g / 5) + 4, 'text-anchor': rtl ? 'start' : 'end', text: f.int.format(g) }));
      chart.append(svg('text', { class: 'sat-axis sat-axis-rate', x: rtl ? axis - 6 : width - axis + 6, y: y(g / 5) + 4, 'text-anchor': rtl ? 'end' : 'start', text: f.pct.format(g / 5) }));
    }
    const points = [];
    months.forEach((m, i) => {
      const cx = x(i);
      const value = typeof m.average === 'number' ? m.average : null;
      const bar = svg('rect', { class: 'sat-bar', x: cx - 16, width: 32, y: y((value || 0) / 5), height: Math.max(0, base - y((value || 0) / 5)), rx: 3 },
        svg('title', { text: t('monthBar', { month: monthLabel(f, m.month), average: average(f, m), rate: rate(f, m), answered: f.int.format(m.answered), sent: f.int.format(m.sent) }) }));
      chart.append(bar);
      chart.append(svg('text', { class: 'sat-value', x: cx, y: y((value || 0) / 5) - 6, 'text-anchor': 'middle', text: average(f, m) }));
      chart.append(svg('text', { class: 'sat-label', x: cx, y: base + 18, 'text-anchor': 'middle', text: monthLabel(f, m.month) }));
      chart.append(svg('text', { class: 'sat-label sat-rate-label', x: cx, y: base + 36, 'text-anchor': 'middle', text: m.sent > 0 ? rate(f, m) : t('none') }));
      if (m.sent > 0) points.push([cx, y(m.responseRate || 0)]);
    });
    if (points.length > 1) chart.append(svg('polyline', { class: 'sat-rate-line', points: points.map((p) => p.join(',')).join(' ') }));
    for (const [cx, cy] of points) chart.append(svg('circle', { class: 'sat-rate-dot', cx, cy, r: 4 }));
    return chart;
  }

  /** The monthly chart's figures for screen readers. */
  function monthlyTable(f, months) {
    const head = [t('colMonth'), t('colAverage'), t('colRate'), t('colAnswered'), t('colSent')];
    return el('table', { class: 'sr-only' },
      el('caption', { text: t('monthlyTitle') }),
      el('thead', null, el('tr', null, head.map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', null, months.map((m) => el('tr', null,
        el('th', { scope: 'row', text: monthLabel(f, m.month) }),
        el('td', { text: average(f, m) }), el('td', { text: rate(f, m) }), el('td', { text: f.int.format(m.answered) }), el('td', { text: f.int.format(m.sent) })))));
  }

  /** How many gave each rating, 1 to 5 (1 at the start of the reading direction), and the same as a table. */
  function distribution(f, overall) {
    const counts = Array.isArray(overall.distribution) ? overall.distribution : [0, 0, 0, 0, 0];
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0) return [el('p', { class: 'muted', text: t('noAnswers') })];
    const rtl = lang() === 'ar';
    const slot = 70;
    const top = 24;
    const base = 150;
    const width = slot * 5 + 20;
    const max = Math.max(...counts, 1);
    const chart = svg('svg', { viewBox: `0 0 ${width} 200`, width, height: 200, class: 'sat-svg sat-svg-fit', 'aria-hidden': 'true', focusable: 'false' });
    chart.append(svg('line', { class: 'sat-grid', x1: 10, x2: width - 10, y1: base, y2: base }));
    const rows = counts.map((count, i) => {
      const cx = 10 + slot * (rtl ? 4 - i : i) + slot / 2;
      const h = ((base - top) * count) / max;
      const share = f.pct.format(count / total);
      chart.append(svg('rect', { class: `sat-dist sat-r${i + 1}`, x: cx - 20, width: 40, y: base - h, height: h, rx: 3 },
        svg('title', { text: t('distributionBar', { rating: f.int.format(i + 1), count: f.int.format(count), share }) })));
      chart.append(svg('text', { class: 'sat-value', x: cx, y: base - h - 6, 'text-anchor': 'middle', text: f.int.format(count) }));
      chart.append(svg('text', { class: 'sat-label', x: cx, y: base + 20, 'text-anchor': 'middle', text: `${f.int.format(i + 1)} ★` }));
      chart.append(svg('text', { class: 'sat-label sat-rate-label', x: cx, y: base + 38, 'text-anchor': 'middle', text: share }));
      return el('tr', null, el('th', { scope: 'row', text: f.int.format(i + 1) }), el('td', { text: f.int.format(count) }), el('td', { text: share }));
    });
    const table = el('table', { class: 'sr-only' },
      el('caption', { text: t('distributionTitle') }),
      el('thead', null, el('tr', null, [t('colRating'), t('colCount'), t('colShare')].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', null, rows));
    return [chart, table];
  }

  function fillTable(table, first, rows, f) {
    const head = [first, t('colSent'), t('colAnswered'), t('colRate'), t('colAverage')];
    const body = rows.length === 0
      ? [el('tr', null, el('td', { colspan: 5, class: 'muted', text: t('emptyTable') }))]
      : rows.map(([name, s]) => el('tr', null,
        el('th', { scope: 'row', text: name }),
        el('td', { text: f.int.format(s.sent) }), el('td', { text: f.int.format(s.answered) }), el('td', { text: rate(f, s) }), el('td', { text: average(f, s) })));
    table.replaceChildren(el('thead', null, el('tr', null, head.map((h) => el('th', { scope: 'col', text: h })))), el('tbody', null, body));
  }

  // ---------------------------------------------------------------- follow-ups
  function renderList(state) {
    const list = view.lists[state];
    const ul = $(`followups-${state}`);
    showError($(`followups-${state}-error`), list.error ? t(list.error) : '');
    $(`followups-${state}-empty`).hidden = !list.loaded || list.items.length > 0 || !!list.error;
    $(`followups-${state}-more`).hidden = !list.loaded || list.items.length >= list.total;
    const f = fmt();
    const wanted = list.items.map((item) => {
      const sig = `${lang()}|${item.followUp && item.followUp.state}|${item.followUp && item.followUp.doneAt}`;
      const kept = view.nodes.get(item.surveyId);
      if (kept && kept.sig === sig && kept.node.parentNode === ul) return kept.node;
      const node = followUpItem(f, item);
      view.nodes.set(item.surveyId, { node, sig });
      return node;
    });
    const same = wanted.length === ul.children.length && wanted.every((node, i) => ul.children[i] === node);
    if (!same) ul.replaceChildren(...wanted);
  }

  /** Where the console shows what the survey followed: the conversation or the request. */
  function subjectLink(milestone) {
    const [kind, id] = String(milestone).split(':');
    if (!id) return null;
    if (kind === 'handoff') return el('a', { class: 'sat-link', href: `#inbox/${encodeURIComponent(id)}`, text: t('openConversation') });
    return el('a', { class: 'sat-link', href: `#requests/${encodeURIComponent(id)}`, text: t('openRequest') });
  }

  function followUpItem(f, item) {
    const fu = item.followUp || {};
    const done = fu.state === 'done';
    const rating = Number(item.rating) || 0;
    const kind = String(item.milestone).split(':')[0];
    const head = el('div', { class: 'followup-head' },
      el('span', { class: 'followup-rating', 'data-rating': rating },
        el('span', { class: 'stars', 'aria-hidden': 'true', text: '★'.repeat(rating) + '☆'.repeat(Math.max(0, 5 - rating)) }),
        el('span', { class: 'sr-only', text: t('rating', { rating: f.int.format(rating) }) })),
      channelChip(item.channel),
      el('span', { class: 'chip', text: milestoneName(kind) }),
      el('span', { class: 'followup-staff' }, tNodes('staffMember', { name: el('bdi', { text: staffName(item.staffId, item.staffName) }) })),
      el('time', { class: 'followup-date muted', datetime: item.sentAt, text: t('sentOn', { date: dateText(item.sentAt) }) }),
      subjectLink(item.milestone));
    const comment = item.comment
      ? el('figure', { class: 'followup-comment' }, el('figcaption', { class: 'sr-only', text: t('comment') }), el('blockquote', { dir: 'auto', text: item.comment }))
      : el('p', { class: 'muted followup-nocomment', text: t('noComment') });
    const node = el('li', { class: 'followup', 'data-id': item.surveyId, 'data-state': done ? 'done' : 'open' }, head, comment);
    if (done) {
      node.append(el('p', { class: 'followup-done' }, tNodes('doneBy', { name: el('bdi', { text: staffName(fu.doneBy, item.doneByName) }), date: dateText(fu.doneAt) })));
      if (fu.note) node.append(el('p', { class: 'followup-note', dir: 'auto' }, el('span', { class: 'sr-only', text: `${t('doneNote')}: ` }), fu.note));
      return node;
    }
    const noteId = `followup-note-${item.surveyId}`;
    const errorId = `${noteId}-error`;
    node.append(el('form', { class: 'followup-form', 'data-id': item.surveyId, novalidate: true },
      el('label', { for: noteId, text: t('noteLabel') }),
      el('textarea', { id: noteId, name: 'note', rows: 2, maxlength: 2000, required: true, 'aria-describedby': errorId, placeholder: t('notePlaceholder') }),
      el('p', { id: errorId, class: 'form-error', role: 'alert', hidden: true }),
      el('button', { class: 'btn primary small', type: 'submit', text: t('markDone') })));
    return node;
  }

  // ---------------------------------------------------------------- wiring
  function openView() {
    if (view.open) return;
    view.open = true;
    applyStaticStrings();
    loadReport();
    loadList('open');
    if (view.showDone) loadList('done');
  }

  /** Leaves the view: forgets what it showed (the comments included). */
  function closeView() {
    view.open = false;
    view.seq += 1;
    liveReload.cancel();
    view.report = null;
    view.error = '';
    for (const state of ['open', 'done']) {
      view.lists[state] = { ...emptyList(), seq: view.lists[state].seq + 1 };
      const ul = $(`followups-${state}`);
      if (ul) ul.replaceChildren();
    }
    view.nodes.clear();
    const status = $('followups-status');
    if (status) status.textContent = '';
  }

  function onLang() {
    if (!view.open) { applyStaticStrings(); return; }
    // Every item is drawn again in the new language; a note being typed is carried over.
    const drafts = new Map([...document.querySelectorAll('.followup-form')].map((form) => [form.dataset.id, form.elements.note.value]));
    view.nodes.clear();
    renderReport();
    renderList('open');
    for (const [id, text] of drafts) {
      const textarea = document.getElementById(`followup-note-${id}`);
      if (textarea && text) textarea.value = text;
    }
    if (view.showDone) renderList('done');
  }

  function onRange(event) {
    event.preventDefault();
    const from = $('sat-from').value.trim();
    const to = $('sat-to').value.trim();
    const ok = MONTH.test(from) && MONTH.test(to) && monthIndex(from) <= monthIndex(to) && monthIndex(to) - monthIndex(from) < MAX_MONTHS;
    for (const input of [$('sat-from'), $('sat-to')]) input.setAttribute('aria-invalid', String(!ok));
    if (!ok) {
      view.error = 'badRange';
      showError($('sat-error'), t('badRange'));
      return;
    }
    view.range = { from, to };
    loadReport();
  }

  mount({
    tab: 'satisfaction',
    isOpen: () => view.open,
    open: openView,
    close: closeView,
    signedOut() { view.range = null; view.showDone = false; $('followups-show-done').checked = false; $('followups-done-block').hidden = true; },
    lang: onLang,
    live({ type }) { if (view.open && (type === 'survey.followup_opened' || type === 'survey.followup_done')) liveReload.schedule(); },
    setup() {
      applyStaticStrings();
      $('sat-range').addEventListener('submit', onRange);
      $('satisfaction-refresh').addEventListener('click', () => {
        if (!view.open) return;
        loadReport();
        loadList('open');
        if (view.showDone) loadList('done');
      });
      $('followups-show-done').addEventListener('change', (event) => {
        view.showDone = event.target.checked;
        $('followups-done-block').hidden = !view.showDone;
        if (view.showDone && view.open) loadList('done');
      });
      for (const state of ['open', 'done']) $(`followups-${state}-more`).addEventListener('click', () => { if (view.open) loadList(state, true); });
      $('panel-satisfaction').addEventListener('submit', (event) => {
        const form = event.target.closest('.followup-form');
        if (!form) return;
        event.preventDefault();
        markDone(form);
      });
    },
  });
})();

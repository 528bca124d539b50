import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { reminderJobId } from '../../src/followups/followup-jobs.js';
import { DAY_BEFORE_REMINDER_MS } from '../../src/followups/followups.js';
import { dayStart } from '../../src/services/booking-calendar.js';
import type { BookingKind, StaffRole } from '../../src/store/types.js';
import { DirectLineClient } from '../helpers/directline-client.js';
import { botTextUntil as waitForBotText, staffClient } from '../helpers/staff-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Bookings in the staff API: the list with both calendars' labels, the move dialog's calendar, one
 * booking (audited), and confirming, moving, cancelling and finishing — each told to the beneficiary
 * in their web chat and language. One place per window, so "full" is easy to reach.
 */
const t = useTestApp({ env: { BOOKING_CAPACITY: '1', BOOKING_WINDOWS: '09:00-11:00,11:00-13:00' } });
const [EARLY, LATE] = ['0900-1100', '1100-1300'] as const;

type Labels = { ar: string; en: string };
type Calendar = { capacity: number; windows: { id: string; label: Labels }[]; days: { day: string; label: Labels; windows: { id: string; booked: number; free: number }[] }[] };
type BookingView = { id: string; reference: string; status: string; day: string; window: string; dayLabel: Labels; windowLabel: Labels; nextActions: string[]; staffNote: string | null; phone?: string | null };

const staff = staffClient(t);
const { api } = staff;
const signedIn = (role: StaffRole) => staff.account(role, { displayName: 'Noura' });

async function calendar(cookie: string): Promise<Calendar> {
  const res = await api('/staff/api/bookings/calendar', cookie);
  expect(res.status).toBe(200);
  return (await res.json()) as Calendar;
}

/** The `index`th bookable day (from the API, so the test follows the real calendar). */
async function bookableDay(cookie: string, index: number): Promise<{ day: string; label: Labels }> {
  const found = (await calendar(cookie)).days[index];
  if (!found) throw new Error(`no bookable day #${index}`);
  return found;
}

/** A web chat beneficiary with a booking in `window` of `day`. */
async function booked(kind: BookingKind, day: string, window: string, locale?: 'en') {
  const dl = await DirectLineClient.start(t().url, `booker-${Math.random().toString(36).slice(2)}`);
  await dl.say(locale === 'en' ? 'menu' : 'السلام عليكم', locale);
  const conversation = await t().app.store.conversations.get(dl.conversationId);
  const booking = await t().app.store.bookings.reserve(
    { contactId: conversation?.contactId ?? null, conversationId: dl.conversationId, channel: 'webchat', kind, day, window, phone: kind === 'callback' ? '+966501234567' : null },
    1,
  );
  if (!booking) throw new Error(`the ${window} window of ${day} is taken`);
  await dl.read();
  return { dl, booking };
}

async function actions(subjectId: string): Promise<string[]> {
  return (await t().app.store.audit.list({ subjectType: 'booking', subjectId })).map((e) => e.action);
}

describe('bookings for staff', () => {
  it('lists bookings with Gregorian and Hijri labels, and shows one with the number to call (audited)', async () => {
    const staff = await signedIn('researcher');
    const { day, label } = await bookableDay(staff.cookie, 0);
    const { booking } = await booked('callback', day, EARLY);

    const list = await api(`/staff/api/bookings?from=${day}&to=${day}&kind=callback`, staff.cookie);
    expect(list.status).toBe(200);
    const { items } = (await list.json()) as { items: BookingView[] };
    const item = items.find((i) => i.id === booking.id);
    expect(item).toMatchObject({ reference: booking.reference, status: 'requested', window: EARLY, dayLabel: label, windowLabel: { ar: '9:00 ص – 11:00 ص', en: '9:00 AM – 11:00 AM' } });
    expect(item?.dayLabel.ar).toMatch(/هـ/);
    expect(item).not.toHaveProperty('phone');

    const one = (await (await api(`/staff/api/bookings/${booking.id}`, staff.cookie)).json()) as BookingView;
    expect(one).toMatchObject({ phone: '+966501234567', nextActions: ['confirm', 'move', 'cancel', 'done'] });
    expect(await actions(booking.id)).toContain('booking.viewed');

    const cal = await calendar(staff.cookie);
    expect(cal.capacity).toBe(1);
    expect(cal.windows.map((w) => w.id)).toEqual([EARLY, LATE]);
    expect(cal.days.find((d) => d.day === day)?.windows).toEqual([
      { id: EARLY, booked: 1, free: 0 },
      { id: LATE, booked: 0, free: 1 },
    ]);
  });

  it('confirms a booking with a note, and the beneficiary reads the confirmation in Arabic', async () => {
    const staff = await signedIn('researcher');
    const { day, label } = await bookableDay(staff.cookie, 0);
    const { dl, booking } = await booked('interview', day, LATE);
    const res = await api(`/staff/api/bookings/${booking.id}/confirm`, staff.cookie, { method: 'POST', body: { note: 'أحضر صورة الهوية' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'confirmed', nextActions: ['move', 'cancel', 'done'] });
    const text = await waitForBotText(dl, 'تم تأكيد موعدك');
    expect(text).toContain(booking.reference);
    expect(text).toContain(label.ar);
    expect(text).toContain('أحضر صورة الهوية');
    expect(await t().app.store.bookings.get(booking.id)).toMatchObject({ status: 'confirmed', staffNote: 'أحضر صورة الهوية' });
    const audit = await t().app.store.audit.list({ subjectType: 'booking', subjectId: booking.id });
    const entry = audit.find((e) => e.action === 'booking.confirmed');
    expect(entry?.details).toEqual({ from: 'requested', kind: 'interview' });
    expect(JSON.stringify(entry?.details)).not.toContain('الهوية');

    const again = await api(`/staff/api/bookings/${booking.id}/confirm`, staff.cookie, { method: 'POST', body: {} });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'InvalidTransition' } });
  });

  it('tells a beneficiary who writes in English, with the day in English', async () => {
    const staff = await signedIn('researcher');
    const { day, label } = await bookableDay(staff.cookie, 5);
    const { dl, booking } = await booked('callback', day, EARLY, 'en');
    expect((await api(`/staff/api/bookings/${booking.id}/confirm`, staff.cookie, { method: 'POST', body: {} })).status).toBe(200);
    const text = await waitForBotText(dl, 'Your appointment is confirmed');
    expect(text).toContain(`a phone call from us on ${label.en}, 9:00 AM – 11:00 AM.`);
    expect(text).not.toContain('A note from the association');
  });

  it('will not move a booking into a full window, moves it to a free one, tells the beneficiary and moves the reminder', async () => {
    const staff = await signedIn('officer');
    const first = await bookableDay(staff.cookie, 1);
    const later = await bookableDay(staff.cookie, 2);
    const { dl, booking } = await booked('interview', first.day, EARLY);
    await booked('callback', first.day, LATE);

    const full = await api(`/staff/api/bookings/${booking.id}/move`, staff.cookie, { method: 'POST', body: { day: first.day, window: LATE } });
    expect(full.status).toBe(409);
    expect(await full.json()).toMatchObject({ error: { code: 'Full' } });
    expect(await t().app.store.bookings.get(booking.id)).toMatchObject({ day: first.day, window: EARLY });

    const moved = await api(`/staff/api/bookings/${booking.id}/move`, staff.cookie, { method: 'POST', body: { day: later.day, window: LATE, note: 'تغيّر جدول الباحث' } });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ day: later.day, window: LATE, status: 'requested' });
    const text = await waitForBotText(dl, 'تم تغيير موعدك');
    expect(text).toContain(later.label.ar);
    expect(text).toContain('11:00 ص – 1:00 م');
    expect(text).toContain('تغيّر جدول الباحث');

    const reminder = await t().app.followupsQueue.getJob(reminderJobId('booking', booking.id, 0));
    expect(reminder).toBeDefined();
    const due = (reminder?.timestamp ?? 0) + (reminder?.opts.delay ?? 0);
    expect(Math.abs(due - (dayStart(later.day) - DAY_BEFORE_REMINDER_MS))).toBeLessThan(60_000);

    const cal = await calendar(staff.cookie);
    expect(cal.days.find((d) => d.day === first.day)?.windows.find((w) => w.id === EARLY)?.free).toBe(1);
    const audit = await t().app.store.audit.list({ subjectType: 'booking', subjectId: booking.id });
    expect(audit.find((e) => e.action === 'booking.moved')?.details).toEqual({ fromDay: first.day, fromWindow: EARLY, toDay: later.day, toWindow: LATE, kind: 'interview' });
  });

  it('refuses a day that cannot be booked, an unknown window and bad bodies', async () => {
    const staff = await signedIn('researcher');
    const { day } = await bookableDay(staff.cookie, 3);
    const { booking } = await booked('interview', day, EARLY);
    const move = (body: unknown) => api(`/staff/api/bookings/${booking.id}/move`, staff.cookie, { method: 'POST', body });
    const days = (await calendar(staff.cookie)).days.map((d) => d.day);
    const weekend = [...Array(7).keys()]
      .map((i) => new Date(Date.parse(`${days[0]}T12:00:00+03:00`) + i * 86_400_000).toISOString().slice(0, 10))
      .find((d) => !days.includes(d) && d > (days[0] ?? ''));
    for (const [body, expected] of [
      [{ day: '2020-01-05', window: EARLY }, 'past'],
      [{ day: weekend, window: EARLY }, 'weekend'],
      [{ day: '2099-01-04', window: EARLY }, 'too_far'],
      [{ day, window: '1300-1500' }, 'not one of the booking windows'],
      [{ day: '5/1/2026', window: EARLY }, 'YYYY-MM-DD'],
      [{ day, window: LATE, extra: true }, 'extra'],
    ] as const) {
      const res = await move(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(expected);
    }
    expect((await api('/staff/api/bookings?status=lost', staff.cookie)).status).toBe(400);
    expect((await api('/staff/api/bookings/nothing-here', staff.cookie)).status).toBe(404);
    expect((await api('/staff/api/bookings', null)).status).toBe(401);
  });

  it('cancels with a note (the place and the reminder go), then a cancelled booking cannot be finished', async () => {
    const staff = await signedIn('researcher');
    const { day, label } = await bookableDay(staff.cookie, 4);
    const { dl, booking } = await booked('callback', day, EARLY);
    await t().app.followUps.bookingReminder(booking.id, booking.conversationId, dayStart(day) - DAY_BEFORE_REMINDER_MS);
    expect(await t().app.followupsQueue.getJob(reminderJobId('booking', booking.id, 0))).toBeDefined();

    const res = await api(`/staff/api/bookings/${booking.id}/cancel`, staff.cookie, { method: 'POST', body: { note: 'الباحث في إجازة' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'cancelled', nextActions: [] });
    const text = await waitForBotText(dl, 'تم إلغاء موعدك');
    expect(text).toContain(label.ar);
    expect(text).toContain('الباحث في إجازة');
    expect(await t().app.followupsQueue.getJob(reminderJobId('booking', booking.id, 0))).toBeUndefined();
    expect((await calendar(staff.cookie)).days.find((d) => d.day === day)?.windows.find((w) => w.id === EARLY)?.free).toBe(1);

    expect((await api(`/staff/api/bookings/${booking.id}/done`, staff.cookie, { method: 'POST', body: {} })).status).toBe(409);
    expect(await actions(booking.id)).toContain('booking.cancelled');
  });

  it('marks a confirmed booking done without messaging the beneficiary', async () => {
    const staff = await signedIn('admin');
    const { day } = await bookableDay(staff.cookie, 5);
    const { dl, booking } = await booked('interview', day, LATE);
    await t().app.store.bookings.update(booking.id, { status: 'confirmed' });
    const res = await api(`/staff/api/bookings/${booking.id}/done`, staff.cookie, { method: 'POST', body: {} });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'done', nextActions: [] });
    await sleep(500);
    expect((await dl.read()).filter((a) => a.from.role === 'bot')).toEqual([]);
    expect(await actions(booking.id)).toContain('booking.done');
    const list = (await (await api(`/staff/api/bookings?status=done`, staff.cookie)).json()) as { items: BookingView[] };
    expect(list.items.map((i) => i.id)).toContain(booking.id);
  });
});

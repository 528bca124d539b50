import type { Activity } from 'botbuilder-core';
import { describe, expect, it } from 'vitest';
import { toWhatsAppMessage } from '../../adapters/whatsapp-cloud/to-whatsapp-message.js';

const withActions = (titles: string[], locale = 'ar'): Partial<Activity> => ({
  type: 'message',
  locale,
  text: 'اختر خدمة',
  suggestedActions: { to: [], actions: titles.map((title) => ({ type: 'imBack', title, value: title })) },
});

describe('toWhatsAppMessage', () => {
  it('sends plain text when there are no actions', () => {
    expect(toWhatsAppMessage({ type: 'message', text: 'مرحبا' }, '966500000001')).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '966500000001',
      type: 'text',
      text: { body: 'مرحبا', preview_url: false },
    });
  });

  it('uses reply buttons for up to three short titles, with the title as the reply id', () => {
    const payload = toWhatsAppMessage(withActions(['نعم', 'لا']), '1') as { interactive: { type: string; action: { buttons: unknown[] } } };
    expect(payload.interactive.type).toBe('button');
    expect(payload.interactive.action.buttons).toEqual([
      { type: 'reply', reply: { id: 'نعم', title: 'نعم' } },
      { type: 'reply', reply: { id: 'لا', title: 'لا' } },
    ]);
  });

  it('uses a list for four to ten titles, its button named in the message language', () => {
    const titles = ['one', 'two', 'three', 'four'];
    const ar = toWhatsAppMessage(withActions(titles), '1') as { interactive: { type: string; action: { button: string; sections: { rows: unknown[] }[] } } };
    expect(ar.interactive.type).toBe('list');
    expect(ar.interactive.action.button).toBe('اختر');
    expect(ar.interactive.action.sections[0]?.rows).toHaveLength(4);
    const en = toWhatsAppMessage(withActions(titles, 'en'), '1') as { interactive: { action: { button: string } } };
    expect(en.interactive.action.button).toBe('Choose');
  });

  it('uses a list when a title is too long for a button but fits a row', () => {
    const payload = toWhatsAppMessage(withActions(['a title of 22 letters!', 'no']), '1') as { interactive: { type: string } };
    expect(payload.interactive.type).toBe('list');
  });

  it('falls back to text when the actions fit neither', () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `option ${i + 1}`);
    expect(toWhatsAppMessage(withActions(eleven), '1')).toMatchObject({ type: 'text', text: { body: 'اختر خدمة' } });
    expect(toWhatsAppMessage(withActions(['a title far longer than twenty-four']), '1')).toMatchObject({ type: 'text' });
  });

  it('sends nothing for an empty message', () => {
    expect(toWhatsAppMessage({ type: 'message', text: '' }, '1')).toBeNull();
  });
});

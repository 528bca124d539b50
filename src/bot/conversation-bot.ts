import type { TurnContext, Activity } from 'botbuilder-core';
import { isWorkingTime, nextOpening, type WorkingHours } from '../staff/working-hours.js';
import type { ChannelAdapter } from '../channels/channel-adapter.js';
import { step, type EngineContext } from '../flows/engine.js';
import type { AttachmentInput, Effect, EngineInput, StepResult } from '../flows/engine-types.js';
import type { FlowSet } from '../flows/schema.js';
import { DEFAULT_LOCALE, isLocale, type I18n, type Locale } from '../i18n/i18n.js';
import { DistressGuard } from '../safety/distress-guard.js';
import { DistressDetector } from '../safety/distress.js';
import { removesConsent, withoutConsent } from '../privacy/consent-removed.js';
import type { HandoffRecord, Store } from '../store/types.js';
import { hasArabic, hasLatin, normalizeArabic } from '../text/normalize.js';
import type { Answer, Answerer, NoAnswer } from './answerer.js';
import { renderReplies, type Reply } from './render.js';
import type { ServiceRegistry } from './services.js';
import { getTurnData, type TurnData } from './turn-data.js';
import type { Command, Vocabulary } from './vocabulary.js';

/** Longest message the bot reads; longer ones are answered with a request to shorten. */
export const MAX_MESSAGE_LENGTH = 2000;

export type BotDependencies = {
  flows: FlowSet;
  i18n: I18n;
  vocabulary: Vocabulary;
  services: ServiceRegistry;
  store: Store;
  answerer: Answerer;
  /** Quiet this long in the middle of a draft flow, a beneficiary is offered to continue or start again. */
  resumeOfferAfterMs?: number;
  /** The clock (epoch ms); tests move it. */
  now?: () => number;
  /** When staff answer; outside these hours a handoff says when to expect a reply. */
  staffHours?: WorkingHours;
  /** Tells the staff console a conversation waits for a person (live inbox). */
  onHandoff?: (handoff: { id: string; conversationId: string }) => Promise<void>;
  /** Tells the staff console the beneficiary wrote while the conversation is with a person (it is in the transcript already). */
  onHandoffMessage?: (handoff: { id: string; conversationId: string }) => Promise<void>;
  /** SUPPORT_CONTACT, given to a beneficiary in severe distress (see `src/safety/`). */
  supportContact?: string | undefined;
};

const DEFAULT_RESUME_OFFER_AFTER_MS = 6 * 60 * 60 * 1000;

/**
 * The turn logic behind every channel: read the message, decide (global command, running flow,
 * a question, a greeting, a flow's trigger phrase), run the flow engine, perform its effects and
 * reply. It knows Activities only — never a channel's wire format.
 */
export class ConversationBot {
  private readonly engine: EngineContext;
  private readonly distress: DistressGuard;

  constructor(private readonly deps: BotDependencies) {
    this.engine = { flows: deps.flows, words: (key) => deps.vocabulary.words(key), now: () => this.now() };
    this.distress = new DistressGuard({
      detector: DistressDetector.fromVocabulary(deps.vocabulary),
      store: deps.store,
      supportContact: deps.supportContact,
      onHandoff: deps.onHandoff,
      onHandoffMessage: deps.onHandoffMessage,
    });
  }

  /** Entry point for one turn (the TurnRunner has loaded the conversation into the context). */
  readonly onTurn = async (context: TurnContext): Promise<void> => {
    if (context.activity.type !== 'message') return;
    const turn = getTurnData(context);
    const replies: Reply[] = [];
    const activity = context.activity;
    const text = typeof activity.text === 'string' ? activity.text : '';
    turn.state.locale ??= detectLocale(text, activity.locale);
    await this.handleMessage(turn, text, attachmentsOf(activity), activity, replies);
    turn.state.seenAt = this.now();
    await this.send(context, turn, replies);
  };

  private async handleMessage(turn: TurnData, text: string, attachments: AttachmentInput[], activity: Activity, replies: Reply[]): Promise<void> {
    // Severe distress comes before anything else the message might be: a command, an answer, a question.
    const urgent = await this.distress.check(turn, text);
    if (urgent) return void replies.push(...urgent);
    if (text.length > MAX_MESSAGE_LENGTH) {
      replies.push(say('bad_input.too_long', { length: text.length, max: MAX_MESSAGE_LENGTH }));
      return this.reprompt(turn, replies);
    }
    const command = this.deps.vocabulary.command(text);
    if (turn.status === 'waiting' || turn.status === 'human') {
      const handoff = await this.deps.store.handoffs.findOpenByConversation(turn.conversation.id);
      if (handoff) return this.whileWithPerson(turn, handoff, command, text, replies);
      // The handoff was closed from the console (its word wins over a status a turn saved meanwhile): the bot has it again.
      turn.status = 'bot';
    }
    if (command) return this.runCommand(turn, command, replies);
    if (attachments.length > 0) return this.receiveFiles(turn, attachments, replies);
    if (normalizeArabic(text) === '' && !/\p{Extended_Pictographic}/u.test(text)) {
      const data = activity.channelData as { unsupported?: unknown; fileRefused?: unknown } | undefined;
      // A platform file refused by its bytes or size (see `FileRefusal`): the same words the web chat shows.
      const refused = data?.fileRefused === 'file_type' || data?.fileRefused === 'file_too_large' ? `bad_input.${data.fileRefused}` : null;
      replies.push(say(refused ?? (data?.unsupported ? 'bad_input.unsupported' : 'bad_input.empty')));
      return this.reprompt(turn, replies);
    }
    if (turn.state.frame) return this.continueFlow(turn, text, replies);
    return this.route(turn, text, replies);
  }

  /**
   * A message while a flow waits for an answer. A bare greeting or another service's phrase is not
   * taken as the answer (a name question would accept "السلام عليكم"); a refused answer may be a
   * question for the knowledge base; someone back after a long absence is offered to continue.
   */
  private async continueFlow(turn: TurnData, text: string, replies: Reply[]): Promise<void> {
    const frame = turn.state.frame;
    if (!frame) return this.route(turn, text, replies);
    const aside = this.asideInFlow(turn, text);
    const result = aside ? null : await this.advance(turn, { kind: 'text', text }, []);
    const refused = aside !== null || result?.outcome === 'refused';
    if (refused && this.cameBackToDraft(turn)) return this.collect(turn, await this.advance(turn, { kind: 'offerResume' }, []), replies);
    if (aside) {
      replies.push(aside);
      return this.reprompt(turn, replies);
    }
    if (!result || result.outcome !== 'refused') return result ? this.collect(turn, result, replies) : undefined;
    if (this.deps.flows.get(frame.flow)?.passthrough) {
      turn.state.frame = null;
      return this.route(turn, text, replies);
    }
    // A question in the middle of a form: answered when the knowledge is sure, then the same question again.
    const answer = this.deps.vocabulary.isQuestion(text) ? await this.deps.answerer.answer(text, turn.state.locale ?? DEFAULT_LOCALE) : null;
    if (answer?.kind === 'answer') {
      replies.push(...answerReplies(answer));
      return this.reprompt(turn, replies);
    }
    return this.collect(turn, result, replies);
  }

  /** What to say instead of reading the message as an answer: a greeting back, or "finish or cancel first". */
  private asideInFlow(turn: TurnData, text: string): Reply | null {
    const frame = turn.state.frame;
    const flow = frame ? this.deps.flows.get(frame.flow) : undefined;
    if (!frame || !flow || flow.passthrough || turn.state.overlay) return null;
    const greeting = this.deps.vocabulary.greeting(text);
    if (greeting.kind && greeting.rest === '') return say('form.greeting', { kind: greeting.kind });
    const other = this.deps.vocabulary.wholeTrigger(text, this.deps.flows);
    return other && other !== frame.flow ? say('form.in_progress') : null;
  }

  /** A message outside any flow: a trigger phrase, a greeting, a question, or the fallback menu. */
  private async route(turn: TurnData, text: string, replies: Reply[]): Promise<void> {
    const { vocabulary, flows, answerer } = this.deps;
    const triggered = vocabulary.trigger(text, flows);
    // The flow gets the text that started it: "حالة طلبي 4827-5396" carries the reference.
    if (triggered) return this.start(turn, triggered, replies, { trigger_text: text });
    const greeting = vocabulary.greeting(text);
    if (greeting.kind && greeting.rest === '') return this.start(turn, greeting.kind === 'salam' ? 'welcome' : 'hello', replies);
    const result = await answerer.answer(greeting.kind ? greeting.rest : text, turn.state.locale ?? DEFAULT_LOCALE);
    if (result.kind === 'answer') {
      turn.state.misses = 0;
      if (greeting.kind === 'salam') replies.push(say('knowledge.salam_reply'));
      replies.push(...answerReplies(result));
      return;
    }
    if (result.kind === 'suggest') {
      const ids = result.options.map((o) => o.id);
      replies.push({ type: 'suggest', key: 'knowledge.did_you_mean', options: result.options.map((o) => o.title), offers: ['offers.human'], channelData: { faq: null, suggestions: ids } });
      return;
    }
    const firstMessage = turn.conversation.processedSeq === 0 || greeting.kind !== null;
    if (!result.understood) {
      if (firstMessage) return this.start(turn, greeting.kind === 'salam' ? 'welcome' : 'hello', replies);
      replies.push(say('fallback.text'), { type: 'channelData', channelData: { faq: null } });
      return this.start(turn, 'main_menu', replies);
    }
    return this.noAnswer(turn, result.explanation, replies);
  }

  /**
   * An honest "I don't have that information" with a person offered; the second time in a row the
   * bot asks straight away whether to bring in a social researcher.
   */
  private async noAnswer(turn: TurnData, explanation: NoAnswer['explanation'], replies: Reply[]): Promise<void> {
    const misses = (turn.state.misses ?? 0) + 1;
    turn.state.misses = misses;
    turn.log.info({ event: 'knowledge.no_answer', misses }, 'question without an answer');
    if (misses >= 2 && this.deps.flows.has('handoff_offer')) {
      turn.state.misses = 0;
      replies.push({ type: 'channelData', channelData: { faq: null } });
      return this.start(turn, 'handoff_offer', replies);
    }
    // A question of a kind the association does not answer (medical advice) gets its own honest explanation.
    if (explanation) replies.push({ type: 'text', text: explanation.text });
    replies.push({
      type: 'suggest',
      key: explanation ? 'knowledge.offer_person' : 'knowledge.no_answer',
      options: [],
      offers: ['offers.human', 'offers.menu'],
      channelData: { faq: null, ...(explanation ? { declined: explanation.id } : {}) },
    });
  }

  private async runCommand(turn: TurnData, command: Command, replies: Reply[]): Promise<void> {
    switch (command) {
      case 'menu':
        return this.start(turn, 'main_menu', replies);
      case 'back': {
        if (!turn.state.frame || turn.state.frame.history.length === 0) replies.push(say('back.nothing'));
        if (!turn.state.frame) return this.start(turn, 'main_menu', replies);
        return this.collect(turn, await this.advance(turn, { kind: 'back' }, []), replies);
      }
      case 'cancel': {
        if (!turn.state.frame) {
          replies.push(say('cancel.nothing'));
          return this.start(turn, 'main_menu', replies);
        }
        // A draft flow asks "really cancel?" first and stays open; otherwise the flow is gone (and the menu follows).
        return this.collect(turn, await this.advance(turn, { kind: 'cancel' }, []), replies);
      }
      case 'language':
      case 'to_english':
      case 'to_arabic':
        return this.switchLanguage(turn, command, replies);
      case 'help':
        replies.push(say('help.text'));
        return this.reprompt(turn, replies);
      case 'human':
        turn.state.frame = null;
        return this.performEffects(turn, [{ type: 'handoff', reason: 'asked_for_person' }], replies);
      case 'stop_surveys':
      case 'stop_reminders':
        return this.optOut(turn, command === 'stop_surveys' ? 'surveys' : 'reminders', replies);
      // The beneficiary's rights over their data (src/privacy/). Seeing it, or thinking twice about
      // deleting it, keeps a form in progress to come back to; withdrawing consent drops it.
      case 'my_data':
      case 'delete_my_data':
        return this.collect(turn, await this.advance(turn, { kind: 'start', flow: command === 'my_data' ? 'my_data' : 'delete_data', suspend: true }, []), replies);
      case 'withdraw_consent':
        return this.start(turn, 'withdraw_consent', replies);
    }
  }

  /**
   * "لا ترسلوا استبيانات" / "stop reminders": recorded on the contact, so every channel and every
   * job respects it; a survey or reminder already queued is dropped when it comes due.
   */
  private async optOut(turn: TurnData, what: 'surveys' | 'reminders', replies: Reply[]): Promise<void> {
    if (turn.contact) {
      turn.contact = await this.deps.store.contacts.update(turn.contact.id, { preferences: { ...turn.contact.preferences, [what]: false } });
      await this.deps.store.audit.record({
        actor: `beneficiary:${turn.contact.id}`,
        action: `preferences.${what}_stopped`,
        subjectType: 'contact',
        subjectId: turn.contact.id,
        details: { channel: turn.conversation.channel },
      });
    }
    turn.log.info({ event: 'preferences.opted_out', what }, 'beneficiary opted out');
    // Stopping surveys in the middle of one ends it; the flow it interrupted comes back.
    if (what === 'surveys' && turn.state.frame?.flow === 'survey') {
      const result = await this.advance(turn, { kind: 'cancel' }, []);
      turn.state = result.state;
      replies.push(say('survey.opted_out'));
      await this.performEffects(turn, result.effects.filter((e) => e.type !== 'cancelled'), replies);
      return;
    }
    replies.push(say(what === 'surveys' ? 'survey.opted_out' : 'survey.reminders_opted_out'));
    return this.reprompt(turn, replies);
  }

  private async switchLanguage(turn: TurnData, command: Command, replies: Reply[]): Promise<void> {
    const locale = localeAfter(command, turn.state.locale ?? DEFAULT_LOCALE);
    turn.state.locale = locale;
    replies.push({ type: 'setLocale', locale }, say('language.switched'));
    return turn.state.frame ? this.reprompt(turn, replies) : this.start(turn, 'main_menu', replies);
  }

  /** While a person owns the conversation the bot stays quiet; only leaving, language and help answer. */
  private async whileWithPerson(turn: TurnData, handoff: HandoffRecord, command: Command | null, text: string, replies: Reply[]): Promise<void> {
    await this.deps.onHandoffMessage?.({ id: handoff.id, conversationId: handoff.conversationId });
    // "Menu" asks first whether to leave the person; the answer to that question decides.
    const leaving = turn.state.leavingPerson === true;
    delete turn.state.leavingPerson;
    const answer = leaving ? this.yesOrNo(text) : null;
    if (answer === true) {
      await this.deps.store.handoffs.update(handoff.id, { status: 'resolved', resolvedAt: new Date() });
      turn.status = 'bot';
      replies.push(say('handoff.left'));
      return this.start(turn, 'main_menu', replies);
    }
    if (answer === false) return void replies.push(say('handoff.staying'));
    if (command === 'menu' || command === 'cancel') {
      turn.state.leavingPerson = true;
      replies.push({ type: 'suggest', key: 'handoff.leave_confirm', options: [], offers: ['inputs.yes_label', 'inputs.no_label'], channelData: {} });
      return;
    }
    if (command === 'language' || command === 'to_english' || command === 'to_arabic') {
      const locale = localeAfter(command, turn.state.locale ?? DEFAULT_LOCALE);
      turn.state.locale = locale;
      replies.push({ type: 'setLocale', locale }, say('language.switched'));
    } else if (command === 'help') {
      replies.push(say('handoff.waiting'));
    }
  }

  /**
   * Files answer a question that asks for one. Outside any flow (or at a menu) they go to `document_received`,
   * which adds them to the beneficiary's open request; in the middle of another question they are
   * kept and the question is asked again.
   */
  private async receiveFiles(turn: TurnData, attachments: AttachmentInput[], replies: Reply[]): Promise<void> {
    const frame = turn.state.frame;
    const asksForFile = frame ? this.deps.flows.get(frame.flow)?.steps[frame.step]?.input === 'attachment' : false;
    if (asksForFile) return this.collect(turn, await this.advance(turn, { kind: 'attachments', attachments }, []), replies);
    const name = attachments[0]?.name ?? '';
    // A menu (a passthrough flow) is not a question the file interrupts.
    const inMenu = frame ? this.deps.flows.get(frame.flow)?.passthrough === true : false;
    if ((!frame || inMenu) && this.deps.flows.has('document_received')) {
      const files = attachments.map((a) => ({ name: a.name, contentType: a.contentType, id: a.id ?? null }));
      return this.start(turn, 'document_received', replies, { files, name });
    }
    replies.push(say('bad_input.file_outside_form', { name }));
    return this.reprompt(turn, replies);
  }

  private async start(turn: TurnData, flow: string, replies: Reply[], data?: Record<string, unknown>): Promise<void> {
    return this.collect(turn, await this.advance(turn, { kind: 'start', flow, ...(data ? { data } : {}) }, []), replies);
  }

  /**
   * A message the bot sends on its own (a reminder, a survey), inside a proactive turn: says `notice`
   * if given, then either starts `flow` — keeping a flow in progress to come back to when it ends —
   * or asks the current question again. The engine state it leaves is saved by the turn runner.
   */
  async initiate(
    context: TurnContext,
    action: { notice?: { key: string; params?: Record<string, string | number> }; start?: { flow: string; data?: Record<string, unknown> }; then?: 'reprompt' },
  ): Promise<void> {
    const turn = getTurnData(context);
    const replies: Reply[] = [];
    if (action.notice) replies.push(say(action.notice.key, action.notice.params ?? {}));
    if (action.start) {
      const input: EngineInput = { kind: 'start', flow: action.start.flow, suspend: true, ...(action.start.data ? { data: action.start.data } : {}) };
      await this.collect(turn, await this.advance(turn, input, []), replies);
    } else if (action.then === 'reprompt') {
      await this.reprompt(turn, replies);
    }
    await this.send(context, turn, replies);
  }

  /** Outside working hours, when a social researcher will be there to reply (Asia/Riyadh). */
  private afterHours(turn: TurnData): Reply[] {
    const hours = this.deps.staffHours;
    const now = new Date(this.now());
    if (!hours || isWorkingTime(now, hours)) return [];
    const opening = nextOpening(now, hours);
    const locale = turn.state.locale ?? DEFAULT_LOCALE;
    const format = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Riyadh', numberingSystem: 'latn', ...options }).format(opening);
    return [say('handoff.after_hours', { day: format({ weekday: 'long' }), time: format({ hour: 'numeric', minute: '2-digit' }) })];
  }

  private yesOrNo(text: string): boolean | null {
    const normalized = normalizeArabic(text);
    if (this.deps.vocabulary.words('inputs.yes_words').includes(normalized)) return true;
    if (this.deps.vocabulary.words('inputs.no_words').includes(normalized)) return false;
    return null;
  }

  /** True when the beneficiary is back, after a long quiet, in the middle of a draft (an application). */
  private cameBackToDraft(turn: TurnData): boolean {
    const { frame, seenAt, overlay } = turn.state;
    if (!frame || overlay || seenAt === undefined || !this.deps.flows.get(frame.flow)?.draft) return false;
    return this.now() - seenAt >= (this.deps.resumeOfferAfterMs ?? DEFAULT_RESUME_OFFER_AFTER_MS);
  }

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }

  private async reprompt(turn: TurnData, replies: Reply[]): Promise<void> {
    if (turn.state.frame) return this.collect(turn, await this.advance(turn, { kind: 'reprompt' }, []), replies);
  }

  /** Steps the engine, running service calls until it waits for the beneficiary or goes idle. */
  private async advance(turn: TurnData, input: EngineInput, effects: Effect[]): Promise<StepResult> {
    let result = step(this.engine, turn.state, input);
    effects.push(...result.effects);
    for (let guard = 0; result.status === 'call' && guard < 20; guard += 1) {
      const call = result.effects.findLast((e) => e.type === 'call');
      if (call?.type !== 'call') break;
      const service = this.deps.services[call.service];
      if (!service) throw new Error(`flow calls unknown service ${call.service}`);
      const value = await service(call.args, { store: this.deps.store, turn });
      result = step(this.engine, removesConsent(value) ? withoutConsent(result.state) : result.state, { kind: 'result', value });
      effects.push(...result.effects);
    }
    return { ...result, effects };
  }

  private async collect(turn: TurnData, result: StepResult, replies: Reply[]): Promise<void> {
    turn.state = result.state;
    await this.performEffects(turn, result.effects, replies);
    // After a cancellation (by command or by confirming it) the beneficiary sees where to go next.
    if (!turn.state.frame && result.effects.some((e) => e.type === 'cancelled')) await this.start(turn, 'main_menu', replies);
  }

  /** Carries out what the engine asked for; texts become replies, the rest touches the store. */
  private async performEffects(turn: TurnData, effects: Effect[], replies: Reply[]): Promise<void> {
    const { store } = this.deps;
    for (const effect of effects) {
      switch (effect.type) {
        case 'say':
        case 'ask':
        case 'setLocale':
        case 'summary':
          replies.push(effect);
          break;
        case 'cancelled':
          replies.push(say(this.deps.flows.get(effect.flow)?.draft ? 'form.cancelled' : 'cancel.done'));
          turn.log.info({ event: 'flow.cancelled', flow: effect.flow }, 'flow cancelled');
          break;
        case 'call':
          break;
        case 'consent': {
          if (!turn.contact) break;
          const consent = { version: effect.version, at: new Date(), channel: turn.conversation.channel };
          turn.contact = await store.contacts.update(turn.contact.id, { consent });
          await store.audit.record({
            actor: `beneficiary:${turn.contact.id}`,
            action: 'consent.granted',
            subjectType: 'contact',
            subjectId: turn.contact.id,
            details: { version: effect.version, channel: consent.channel },
          });
          turn.log.info({ event: 'consent.granted', version: effect.version }, 'consent granted');
          break;
        }
        case 'handoff': {
          const open = await store.handoffs.findOpenByConversation(turn.conversation.id);
          if (!open) {
            const handoff = await store.handoffs.create({ conversationId: turn.conversation.id, contactId: turn.contact?.id ?? null, reason: effect.reason });
            await this.deps.onHandoff?.({ id: handoff.id, conversationId: handoff.conversationId });
          }
          turn.state.frame = null;
          turn.status = 'waiting';
          replies.push(say('handoff.requested'), ...this.afterHours(turn));
          turn.log.info({ event: 'handoff.requested', reason: effect.reason }, 'handoff requested');
          break;
        }
      }
    }
  }

  private async send(context: TurnContext, turn: TurnData, replies: Reply[]): Promise<void> {
    const adapter = context.adapter as ChannelAdapter;
    const activities = renderReplies(replies, { i18n: this.deps.i18n, locale: turn.state.locale ?? DEFAULT_LOCALE, capabilities: adapter.capabilities });
    if (activities.length > 0) await context.sendActivities(activities);
  }
}

/** The language a language command asks for: English, Arabic, or the other one. */
function localeAfter(command: Command, current: Locale): Locale {
  if (command === 'to_english') return 'en';
  if (command === 'to_arabic') return 'ar';
  return current === 'ar' ? 'en' : 'ar';
}

const say = (key: string, params: Record<string, string | number> = {}): Reply => ({ type: 'say', key, params });

/** A knowledge answer as replies: its text (with `channelData.faq`), and the guide it comes from, if any. */
function answerReplies(answer: Answer): Reply[] {
  const replies: Reply[] = [{ type: 'text', text: answer.text, channelData: { faq: { id: answer.id, score: answer.score } } }];
  const source = answer.source;
  if (source) replies.push(source.section ? say('knowledge.source_section', { guide: source.guide, section: source.section }) : say('knowledge.source', { guide: source.guide }));
  // Policy step 3: when the procedure is unclear, the social researcher is one tap away.
  if (answer.offerPerson) replies.push({ type: 'suggest', key: 'knowledge.offer_person', options: [], offers: ['offers.human'], channelData: {} });
  // The service the answer is about, one tap away (volunteering, a suggestion, a booking).
  else if (answer.offerFlow) replies.push({ type: 'suggest', key: 'knowledge.offer_flow', options: [], offers: [`${answer.offerFlow}.offer`], channelData: {} });
  return replies;
}

/** Language of a first message: Arabic letters → ar, Latin only → en, otherwise the client's hint or Arabic. */
export function detectLocale(text: string, hint: string | undefined): Locale {
  if (hasArabic(text)) return 'ar';
  if (hasLatin(text)) return 'en';
  const short = hint?.slice(0, 2);
  return isLocale(short) ? short : DEFAULT_LOCALE;
}

/** Attachments as the engine sees them; `content.fileId` is the stored file an adapter saved on receipt. */
function attachmentsOf(activity: Activity): AttachmentInput[] {
  return (activity.attachments ?? []).map((a) => {
    const fileId = (a.content as { fileId?: unknown } | undefined)?.fileId;
    return {
      name: a.name ?? 'file',
      contentType: a.contentType,
      ...(a.contentUrl ? { url: a.contentUrl } : {}),
      ...(typeof fileId === 'string' ? { id: fileId } : {}),
    };
  });
}

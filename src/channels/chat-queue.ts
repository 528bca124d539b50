/**
 * Runs tasks one after the other per key (a Telegram chat) and concurrently across keys. telegraf
 * handles a polling batch with `Promise.all`, so without this a photo being downloaded could be
 * overtaken by the text sent after it, or a chat's first two messages could create two conversations.
 */
export class ChatQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    // The tail only marks when the chat is free; the task's own error goes to its caller.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

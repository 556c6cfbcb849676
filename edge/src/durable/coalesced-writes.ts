/**
 * Writes that arrive while one is running wait and go together in the next: one
 * database round a turn however many callers there are, at most `maxItems` items
 * each. A caller's promise settles with the write that carried its items.
 */
export class CoalescedWrites<T> {
  private waiting: Array<{ items: T[]; settle: (error?: unknown) => void }> = [];
  private running = false;
  private readonly write: (items: T[]) => Promise<unknown>;
  private readonly maxItems: number;

  constructor(write: (items: T[]) => Promise<unknown>, maxItems: number) {
    this.write = write;
    this.maxItems = maxItems;
  }

  add(items: T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ items, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.waiting.length > 0) {
      // Whole callers only, so each settles once; the first goes even if it alone is over the bound.
      let count = 0;
      let take = 0;
      while (take < this.waiting.length && (take === 0 || count + this.waiting[take]!.items.length <= this.maxItems)) {
        count += this.waiting[take]!.items.length;
        take++;
      }
      const turn = this.waiting.splice(0, take);
      try {
        await this.write(turn.flatMap((w) => w.items));
        for (const w of turn) w.settle();
      } catch (error) {
        for (const w of turn) w.settle(error ?? new Error('write failed'));
      }
    }
    this.running = false;
  }
}

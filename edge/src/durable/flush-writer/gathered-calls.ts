/**
 * Calls that go to their target in batches: the first waits `gatherMs` for others to join it,
 * and calls that arrive while a batch runs go in the next, at most `maxItems` a batch. Each
 * caller's promise settles with its own item's result.
 */
export class GatheredCalls<In, Out> {
  private waiting: Array<{ item: In; settle: (result: Out) => void; fail: (error: unknown) => void }> = [];
  private running = false;
  /** Ends the gathering early: the batch is full. */
  private full: (() => void) | undefined;
  private readonly run: (items: In[]) => Promise<Out[]>;
  private readonly gatherMs: number;
  private readonly maxItems: number;

  /** `run` answers one result per item, in their order. */
  constructor(run: (items: In[]) => Promise<Out[]>, options: { gatherMs: number; maxItems: number }) {
    this.run = run;
    this.gatherMs = options.gatherMs;
    this.maxItems = options.maxItems;
  }

  call(item: In): Promise<Out> {
    return new Promise<Out>((settle, fail) => {
      this.waiting.push({ item, settle, fail });
      if (!this.running) void this.drain();
      else if (this.waiting.length >= this.maxItems) this.full?.();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.waiting.length > 0) {
      if (this.waiting.length < this.maxItems) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.gatherMs);
          this.full = () => (clearTimeout(timer), resolve());
        });
        this.full = undefined;
      }
      const batch = this.waiting.splice(0, this.maxItems);
      try {
        const results = await this.run(batch.map((w) => w.item));
        batch.forEach((w, i) => w.settle(results[i]!));
      } catch (error) {
        for (const w of batch) w.fail(error);
      }
    }
    this.running = false;
  }
}

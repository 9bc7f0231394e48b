/**
 * The ParDo operator: runs a DoFn over batches with Beam's lifecycle. Function-backed
 * DoFns (Map, FlatMap, Filter) take a loop without the generic result handling, which is
 * most of the direct runner's speed.
 */
import { PipelineError, isPipelineError } from "../../errors";
import { isError } from "../../render";
import { DoFn, FunctionDoFn, TaggedOutputValue, isPromise } from "../../transforms/dofn";
import { cancelledError, type Operator, type OperatorContext, type OutputPort } from "../operator";
import { ParDoTrace } from "../../teaching/pardo-trace";
import { enterStep, exitStep } from "../run-scope";

/** A long batch lets signals (a kernel interrupt) in this often, and stops if the run was cancelled. */
const YIELD_EVERY_MS = 100;

type Spec = Extract<OperatorContext["exec"]["spec"], { kind: "ParDo" }>;

/** A ParDo without side inputs: streams batch by batch. */
export class ParDoOperator implements Operator {
  protected readonly fn: DoFn<unknown, unknown>;
  protected readonly label: string;
  private readonly main: OutputPort;
  private readonly tagged: Map<string, OutputPort>;
  private readonly hasTags: boolean;
  private inBundle = false;
  protected sides: unknown[] = [];
  private lastYield = performance.now();
  /** Elements until the loop next looks at the clock, and how many it lets pass each time. */
  private untilClock = 8;
  private clockStride = 8;
  private lastClock = performance.now();
  /** Lineage of each batch; undefined (and never looked at per element) when the run records none. */
  protected readonly trace: ParDoTrace | undefined;

  constructor(protected readonly ctx: OperatorContext) {
    const spec = ctx.exec.spec as Spec;
    this.fn = spec.fn;
    this.label = ctx.exec.node.fullLabel;
    this.main = ctx.outputs.get("main")!;
    this.tagged = new Map([...ctx.outputs].filter(([t]) => t !== "main"));
    this.hasTags = this.tagged.size > 0;
    this.trace = ctx.lineage === undefined ? undefined : new ParDoTrace(ctx.lineage, [...this.tagged.keys()]);
  }

  /** Where the DoFn's console calls and metrics go; entered around every call into the DoFn. */
  private get scope() {
    return this.ctx.scope;
  }
  /** The log feed's position when the current element started, for the lines beside its error. */
  private elementMark = 0;

  async setup(): Promise<void> {
    await this.call("setup", () => this.fn.setup());
  }

  async receive(batch: unknown[]): Promise<void> {
    if (!this.inBundle) {
      this.inBundle = true;
      await this.call("startBundle", () => this.fn.startBundle());
    }
    const t0 = performance.now();
    const fn = this.fn;
    // A function-backed DoFn (Map, Filter, FlatMap) without tags or side inputs takes the function's own loop.
    const plainFn = fn instanceof FunctionDoFn && !this.hasTags && this.sides.length === 0 ? fn : null;
    // A Map's output is as long as its input: made at its size, it is not regrown as it fills.
    const oneToOne = plainFn?.elementKind === "map";
    const out: unknown[] = oneToOne ? new Array(batch.length) : [];
    const byTag = this.hasTags ? new Map<string, unknown[]>() : null;
    const trace = this.trace;
    // A call with a spread of no side inputs still builds its arguments per element.
    const sides = this.sides;
    const previous = enterStep(this.scope, this.label);
    const logs = this.scope.logs;
    try {
      if (trace !== undefined) await this.runTraced(batch, out, byTag, trace, oneToOne ? plainFn : null);
      else if (plainFn) await this.runFunction(plainFn, batch, out);
      else {
        // The generic twin of runFunction's loop: kept apart so that a Map's loop has no result handling.
        const n = batch.length;
        for (let i = 0; i < n; ) {
          for (const stop = this.stretchEnd(i, n); i < stop; i++) {
            const el = batch[i];
            let r: unknown;
            this.elementMark = logs.seq;
            try {
              r = sides.length === 0 ? fn.process(el) : fn.process(el, ...sides);
              if (isPromise(r)) r = await r;
            } catch (e) {
              throw this.failure(e, el);
            }
            if (r !== undefined && r !== null) {
              const pending = this.collect(r, el, out, byTag);
              if (pending) await pending;
            }
          }
          if (this.untilClock === 0 && this.clockDue()) await this.pause();
        }
      }
    } finally {
      exitStep(previous);
      // Also when the batch fails or is cancelled: the summary shows where the time went.
      this.ctx.stats.millis += performance.now() - t0;
    }
    if (trace !== undefined) trace.commit(batch.length, out, byTag);
    await this.flush(out, byTag);
  }

  /**
   * The loop of a run that records lineage: the generic loop plus a mark of how far each
   * output grew after every element. A separate loop, so that the loops of runs without
   * lineage stay exactly as they were (a Map keeps its fast loop: it is one to one anyway).
   */
  private async runTraced(batch: unknown[], out: unknown[], byTag: Map<string, unknown[]> | null, trace: ParDoTrace, map: FunctionDoFn<unknown, unknown> | null): Promise<void> {
    const fn = this.fn;
    const sides = this.sides;
    if (map) {
      await this.runFunction(map, batch, out);
      trace.markOneToOne();
      return;
    }
    const logs = this.scope.logs;
    const n = batch.length;
    for (let i = 0; i < n; ) {
      for (const stop = this.stretchEnd(i, n); i < stop; i++) {
        const el = batch[i];
        let r: unknown;
        this.elementMark = logs.seq;
        try {
          r = sides.length === 0 ? fn.process(el) : fn.process(el, ...sides);
          if (isPromise(r)) r = await r;
        } catch (e) {
          throw this.failure(e, el);
        }
        if (r !== undefined && r !== null) {
          const pending = this.collect(r, el, out, byTag);
          if (pending) await pending;
        }
        trace.mark(out, byTag);
      }
      if (this.untilClock === 0 && this.clockDue()) await this.pause();
    }
  }

  private async runFunction(fn: FunctionDoFn<unknown, unknown>, batch: unknown[], out: unknown[]): Promise<void> {
    const f = fn.fn;
    const kind = fn.elementKind;
    const logs = this.scope.logs;
    const n = batch.length;
    for (let i = 0; i < n; ) {
      for (const stop = this.stretchEnd(i, n); i < stop; i++) {
        const el = batch[i];
        let r: unknown;
        this.elementMark = logs.seq;
        try {
          r = f(el);
          if (isPromise(r)) r = await r;
        } catch (e) {
          throw this.failure(e, el);
        }
        if (kind === "map") out[i] = r;
        else if (kind === "filter") {
          if (r) out.push(el);
        } else if (Array.isArray(r)) for (let j = 0; j < r.length; j++) out.push(r[j]);
        else if (r !== undefined && r !== null) {
          const pending = this.collect(r, el, out, null);
          if (pending) await pending;
        }
      }
      if (this.untilClock === 0 && this.clockDue()) await this.pause();
    }
  }

  /**
   * Where the elements from `i` (of `n`) run to before the next look at the clock, counted off
   * at once: the elements of a stretch run without a countdown each.
   */
  private stretchEnd(i: number, n: number): number {
    const stop = Math.min(n, i + this.untilClock);
    this.untilClock -= stop - i;
    return stop;
  }

  /**
   * Whether the batch has run long enough to let signals in. A clock read costs about what a
   * Map's element does (40 ns), so while elements are quick it is read less often, down to
   * once per 32; a slow stretch brings it back to every 8th, as it was. Elements that turn slow
   * after quick ones are noticed within 32 of them.
   */
  private clockDue(): boolean {
    const now = performance.now();
    this.clockStride = now - this.lastClock < 0.1 ? Math.min(this.clockStride * 2, 32) : 8;
    this.untilClock = this.clockStride;
    this.lastClock = now;
    return now - this.lastYield > YIELD_EVERY_MS;
  }

  /** Lets a kernel interrupt (SIGINT) in during a long batch; stops if it cancelled the run. */
  private async pause(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.lastYield = this.lastClock = performance.now();
    if (this.ctx.signal.aborted) throw cancelledError();
  }

  /** Adds everything in a process() result to the outputs; a promise only for async iterables. */
  private collect(r: unknown, el: unknown, out: unknown[], byTag: Map<string, unknown[]> | null): void | Promise<void> {
    try {
      if (Array.isArray(r)) {
        for (let j = 0; j < r.length; j++) this.push(r[j], el, out, byTag);
        return;
      }
      if (typeof r !== "string" && !(r instanceof TaggedOutputValue) && typeof (r as Iterable<unknown>)[Symbol.iterator] === "function") {
        for (const v of r as Iterable<unknown>) this.push(v, el, out, byTag);
        return;
      }
      if (typeof (r as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") return this.collectAsync(r as AsyncIterable<unknown>, el, out, byTag);
      throw this.notIterable(r, el);
    } catch (e) {
      throw this.failure(e, el);
    }
  }

  private async collectAsync(r: AsyncIterable<unknown>, el: unknown, out: unknown[], byTag: Map<string, unknown[]> | null): Promise<void> {
    try {
      for await (const v of r) this.push(v, el, out, byTag);
    } catch (e) {
      throw this.failure(e, el);
    }
  }

  private push(v: unknown, el: unknown, out: unknown[], byTag: Map<string, unknown[]> | null): void {
    if (!(v instanceof TaggedOutputValue)) {
      out.push(v);
      return;
    }
    // One lookup per output: a tag is checked against the declared ones when its list is made.
    let list = byTag?.get(v.tag);
    if (list === undefined) {
      if (!byTag || !this.tagged.has(v.tag)) {
        throw new PipelineError(`The DoFn emitted to output "${v.tag}", which this ParDo does not declare`, {
          label: this.label,
          element: el,
          hasElement: true,
          hint: `apply it with .withOutputs(${[...this.tagged.keys(), v.tag].map((t) => JSON.stringify(t)).join(", ")}).`,
        });
      }
      byTag.set(v.tag, (list = []));
    }
    list.push(v.value);
  }

  private notIterable(r: unknown, el: unknown): PipelineError {
    const what = r instanceof TaggedOutputValue ? "a TaggedOutput" : typeof r === "string" ? "a string" : typeof r;
    return new PipelineError(`process() returned ${what}, not an array, iterable or generator`, {
      label: this.label,
      element: el,
      hasElement: true,
      hint: "return an array of outputs, e.g. `return [value];`, or yield them from a generator (`*process(el) { yield value; }`).",
    });
  }

  private async flush(out: unknown[], byTag: Map<string, unknown[]> | null): Promise<void> {
    if (out.length) await this.main.emit(out);
    if (byTag) for (const [tag, list] of byTag) await this.tagged.get(tag)!.emit(list);
  }

  async endBundle(): Promise<void> {
    if (!this.inBundle) return;
    this.inBundle = false;
    const out: unknown[] = [];
    const byTag = this.hasTags ? new Map<string, unknown[]>() : null;
    let r: unknown;
    const previous = enterStep(this.scope, this.label);
    try {
      r = this.fn.finishBundle();
      if (isPromise(r)) r = await r;
    } catch (e) {
      throw this.failure(e, undefined, "finishBundle");
    } finally {
      exitStep(previous);
    }
    if (r !== undefined && r !== null) await this.collect(r, undefined, out, byTag);
    if (this.trace !== undefined) this.trace.orphans(out, byTag);
    await this.flush(out, byTag);
  }

  async teardown(): Promise<void> {
    await this.fn.teardown();
  }

  private async call(method: string, f: () => unknown): Promise<void> {
    const previous = enterStep(this.scope, this.label);
    this.elementMark = this.scope.logs.seq;
    try {
      const r = f();
      if (isPromise(r)) await r;
    } catch (e) {
      throw this.failure(e, undefined, method);
    } finally {
      exitStep(previous);
    }
  }

  /** The DoFn's name for messages; a displayName() that throws must not replace the DoFn's own error. */
  private fnName(): string {
    try {
      return String(this.fn.displayName());
    } catch {
      return "DoFn";
    }
  }

  protected failure(e: unknown, el: unknown, method = "process"): PipelineError {
    // `e` is whatever the DoFn threw, maybe a hostile Proxy: only safe checks, so the error stays the DoFn's.
    const known = isPipelineError(e);
    if (known && e.label) return e;
    return this.failureOf(e, el, method).withLogs(this.scope.logs.since(this.elementMark, this.label));
  }

  private failureOf(e: unknown, el: unknown, method: string): PipelineError {
    const known = isPipelineError(e);
    const immutable = isError(e) && e instanceof TypeError && /read[- ]only|not extensible|Cannot assign|Cannot add property/i.test(safeMessage(e));
    const hint = known && e.hint
      ? e.hint
      : immutable
        ? "elements are immutable in Beam: return a new value instead of changing the input, e.g. `return [{ ...element, field: value }]`."
        : method === "process"
          ? "fix the code for this element, or filter such elements out in an earlier step."
          : `fix ${method}() of ${this.fnName()}.`;
    const message = known ? e.headline : `${this.fnName()}.${method}() failed`;
    return new PipelineError(message, { label: this.label, element: el, hasElement: method === "process", cause: known ? e.cause ?? undefined : e, hasCause: !known, hint });
  }
}

/** A ParDo with side inputs: waits until its side inputs are complete, holding its main input. */
export class SideInputParDoOperator extends ParDoOperator {
  private readonly held: unknown[][] = [];
  private ready = false;

  async receive(batch: unknown[]): Promise<void> {
    if (!this.ready) {
      this.held.push(batch);
      return;
    }
    await super.receive(batch);
  }

  async activate(): Promise<void> {
    const spec = this.ctx.exec.spec as Spec;
    this.sides = spec.sideInputs.map((s) => s.materialize(this.ctx.sideValues(s.pcoll), this.label));
    if (this.trace !== undefined) this.trace.sideInputs(spec.sideInputs.map((s) => this.ctx.sideValues(s.pcoll).length));
    this.ready = true;
    for (const batch of this.held.splice(0)) {
      await super.receive(batch);
      await this.ctx.endBundle();
    }
  }
}

function safeMessage(e: Error): string {
  try {
    return String(e.message);
  } catch {
    return "";
  }
}

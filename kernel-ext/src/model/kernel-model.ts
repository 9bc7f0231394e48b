/**
 * All kernel I/O of the extension, for one notebook session.
 *
 * Why it looks like this — facts about tslab:
 * - no comm support, so the only channel is execute requests whose answer is a
 *   display_data carrying {@link REPLY_MIME};
 * - it ignores `silent` and bumps the execution count on every request, so the user
 *   sees our calls as gaps in the cell numbers: calls must be rare;
 * - a request that errors resets its queue and aborts the user's waiting cells, so
 *   we only send the never-throwing code from protocol.ts, one request at a time, and
 *   never while the kernel is busy.
 *
 * So the model mostly *listens*: the kernel library already puts pipeline state into
 * the graph/PCollection payloads of ordinary cell outputs, which arrive on IOPub. It
 * asks the kernel (`inspect`) only when the inspector is shown and knows nothing yet,
 * or after a user cell finished without a graph payload — debounced, at most once per
 * cell.
 *
 * Pure module: it uses structural "…Like" types instead of @jupyterlab/services so
 * Node tests can drive it with a fake session; the real `ISessionContext` fits them.
 */
import { Signal, type ISignal } from "@lumino/signaling";
import {
  GRAPH_MIME,
  PCOLLECTION_MIME,
  REPLY_MIME,
  inspectCode,
  pageCode,
  queryCode,
  type InspectorPipeline,
  type QueryReply,
  type QueryRequest,
  type PageRequest,
  type PCollectionPayload,
  type ReplyPayload,
} from "../../../lib/display/protocol";
import { lineageCode, type LineageReplyPayload, type LineageRequest } from "../../../lib/teaching/protocol";
import { asGraphPayload, asPCollectionPayload, asReplyPayload } from "./payloads";

/** The parts of a Jupyter IOPub message the model reads. */
export interface IopubMessageLike {
  header: { msg_type: string; msg_id?: string };
  parent_header: { msg_id?: string; msg_type?: string } | Record<string, never>;
  content: unknown;
}

/** The parts of a kernel future (`IShellFuture`) the model uses. */
export interface FutureLike {
  msg: { header: { msg_id: string } };
  onIOPub: (msg: IopubMessageLike) => void;
  done: Promise<unknown>;
}

/** The parts of `Kernel.IKernelConnection` the model uses. */
export interface KernelLike {
  status: string;
  requestExecute(
    content: { code: string; silent: boolean; store_history: boolean; allow_stdin: boolean; stop_on_error: boolean },
    disposeOnDone?: boolean,
  ): FutureLike;
}

/** The parts of `ISessionContext` the model uses. */
export interface SessionLike {
  readonly session: { readonly kernel: KernelLike | null } | null;
  readonly iopubMessage: ISignal<any, any>;
  readonly kernelChanged: ISignal<any, any>;
  /** The kernel connection's status ("restarting", "dead", ...): a restart keeps the kernel object. */
  readonly statusChanged?: ISignal<any, string>;
}

/**
 * Connection states after which none of the listed pipelines exist any more. Not
 * "starting": a notebook's first kernel start keeps what its saved outputs showed.
 */
const FRESH_KERNEL = new Set(["restarting", "autorestarting", "dead"]);

export interface KernelModelOptions {
  /** Quiet period before an inspect request (ms). */
  debounceMs?: number;
  /** Give up on a request after this long (ms). */
  requestTimeoutMs?: number;
  /** How long a page request waits for the kernel to become idle (ms). */
  idleWaitMs?: number;
}

/** What happened to the model, for the panel's status line. */
export type KernelModelState = "no-kernel" | "idle" | "busy" | "requesting";

export class KernelModel {
  private readonly _changed = new Signal<this, void>(this);
  private pipelinesById = new Map<string, InspectorPipeline>();
  /** Last embedded rows seen per `pipeline/pcollection`, to open a table without a kernel. */
  private samples = new Map<string, PCollectionPayload>();
  /** Parent msg ids of the user's executions in flight, and whether each showed a graph. */
  private running = new Map<string, boolean>();
  /** Msg ids of our own requests: their IOPub traffic is not user output. */
  private ours = new Set<string>();
  private pending = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** An inspect is wanted but had to wait (hidden panel, busy kernel, pending request). */
  private wantInspect = false;
  private inspectedOnce = false;
  /** Bumped by clear(): replies to inspects sent before it are dropped. */
  private generation = 0;
  /** Some entry came from a graph alone and lacks what only the kernel says (runner, subtitle). */
  private partial = false;
  private queue: Promise<unknown> = Promise.resolve();
  private _active = false;
  private _lastError: string | null = null;
  private disposed = false;
  private readonly debounceMs: number;
  private readonly requestTimeoutMs: number;
  private readonly idleWaitMs: number;

  constructor(
    private readonly session: SessionLike,
    options: KernelModelOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 400;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15000;
    this.idleWaitMs = options.idleWaitMs ?? 30000;
    session.iopubMessage.connect(this.onIopub, this);
    session.kernelChanged.connect(this.onKernelChanged, this);
    session.statusChanged?.connect(this.onStatusChanged, this);
  }

  /** Emitted whenever the pipeline list or the model state changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Pipelines known so far, in the order they were first seen. */
  get pipelines(): InspectorPipeline[] {
    return [...this.pipelinesById.values()];
  }

  /** Last failure of a kernel call (for the panel), or null. */
  get lastError(): string | null {
    return this._lastError;
  }

  get state(): KernelModelState {
    const k = this.kernel;
    if (!k) return "no-kernel";
    if (this.pending) return "requesting";
    return this.isIdle() ? "idle" : "busy";
  }

  /** The live kernel, or null. */
  get kernel(): KernelLike | null {
    return this.session.session?.kernel ?? null;
  }

  /**
   * Whether someone (the inspector panel) is showing this model. Inspect requests are
   * only sent while active; showing a panel that knows nothing asks once.
   */
  get active(): boolean {
    return this._active;
  }

  set active(v: boolean) {
    if (this._active === v) return;
    this._active = v;
    if (v && (this.wantInspect || (!this.inspectedOnce && this.pipelinesById.size === 0))) this.scheduleInspect();
  }

  /** User asked to refresh: same rules as any inspect (debounced, only when idle). */
  refresh(): void {
    this.scheduleInspect();
  }

  /**
   * Forgets every listed pipeline (the panel's "Clear"). Pipelines come back as cells that
   * use them run, or on a refresh: the kernel stays the truth about what exists.
   */
  clear(): void {
    // A look at the kernel already asked for, or on its way back, predates the Clear:
    // its answer would refill the list the user just emptied.
    this.generation++;
    this.wantInspect = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pipelinesById.clear();
    this._lastError = null;
    this._changed.emit();
  }

  /**
   * Reads our MIME types out of one output bundle (from IOPub or from outputs saved in
   * the notebook). Returns true when it carried a graph payload. With `addNew` false a
   * graph only updates a pipeline already listed.
   */
  ingestBundle(data: unknown, addNew = true): boolean {
    if (data === null || typeof data !== "object") return false;
    const bundle = data as Record<string, unknown>;
    let sawGraph = false;
    let dirty = false;
    const graph = GRAPH_MIME in bundle ? asGraphPayload(bundle[GRAPH_MIME]) : null;
    if (graph) {
      sawGraph = true;
      const prev = this.pipelinesById.get(graph.pipeline.id);
      const pcollections = graph.nodes
        // PCollections inside composites are no notebook's variables.
        .filter((n) => n.kind === "pcollection" && !n.parent)
        .map((n) => ({ id: n.id, label: n.fullLabel || n.label, varName: n.varName ?? null, count: n.count ?? null, note: n.count === 0 ? (n.note ?? null) : null }));
      // A re-run cell built a new pipeline under the same variable: it takes the old one's place.
      const replaced = [...this.pipelinesById.values()].find((p) => p.pipeline.id !== graph.pipeline.id && p.pipeline.name === graph.pipeline.name);
      const base = prev ?? replaced;
      if (!base && !addNew) return true;
      const entry = { pipeline: graph.pipeline, subtitle: base?.subtitle ?? null, runner: base?.runner ?? "", pcollections };
      this.pipelinesById = new Map(
        [...this.pipelinesById].filter(([id]) => id !== graph.pipeline.id || !replaced).map(([id, p]) => (p === replaced ? [graph.pipeline.id, entry] : [id, p])),
      );
      if (!replaced) this.pipelinesById.set(graph.pipeline.id, entry);
      // A graph does not say which runner or what subtitle a pipeline new to us has.
      if (!base) this.partial = true;
      dirty = true;
    }
    const pc = PCOLLECTION_MIME in bundle ? asPCollectionPayload(bundle[PCOLLECTION_MIME]) : null;
    if (pc && pc.pipeline && pc.pcollection) this.samples.set(`${pc.pipeline.id}/${pc.pcollection}`, pc);
    if (pc && pc.pipeline && pc.pcollection && typeof pc.total === "number") {
      const p = this.pipelinesById.get(pc.pipeline.id);
      const entry = p?.pcollections.find((x) => x.id === pc.pcollection);
      if (entry && entry.count !== pc.total) {
        entry.count = pc.total;
        dirty = true;
      }
    }
    if (dirty) this._changed.emit();
    return sawGraph;
  }

  /** The last PCollection payload seen in an output for this PCollection, if any. */
  sample(pipeline: string, pcollection: string): PCollectionPayload | null {
    return this.samples.get(`${pipeline}/${pcollection}`) ?? null;
  }

  /**
   * Fetches one page of a PCollection from the kernel. Waits for the kernel to be idle
   * and for any other request of ours to finish first. Rejects with a readable Error
   * when there is no kernel, it stays busy, or the kernel answers `ok: false`.
   */
  requestPage(req: PageRequest): Promise<PCollectionPayload> {
    return this.request(pageCode(req), "page", (reply) => this.withVarName(reply.page));
  }

  /**
   * Fetches one page of a PCollection seen through a filter and a sort, computed by the
   * kernel over all of its elements. Queued and waited for like {@link requestPage}.
   */
  requestQuery(req: QueryRequest): Promise<QueryReply> {
    return this.request(queryCode(req), "query", (reply) => ({ ...reply, page: this.withVarName(reply.page) }));
  }

  /**
   * Asks which elements an element of a PCollection came from and led to (a player's
   * click). Queued and waited for like {@link requestPage}.
   */
  requestLineage(req: LineageRequest): Promise<LineageReplyPayload> {
    return this.request(lineageCode(req), "lineage", (reply) => reply.lineage);
  }

  /** One queued request whose reply must be an ok reply of `kind`; anything else rejects readably. */
  private request<K extends "page" | "query" | "lineage", T>(code: string, kind: K, take: (reply: Extract<ReplyPayload, { ok: true; kind: K }>) => T): Promise<T> {
    const run = async (): Promise<T> => {
      await this.waitUntilIdle();
      const reply = await this.send(code);
      if (!reply) throw new Error("The kernel did not answer (is the beamlab library imported in this kernel?)");
      if (!reply.ok) throw new Error(reply.error);
      if (reply.kind !== kind) throw new Error("Unexpected reply from the kernel");
      return take(reply as Extract<ReplyPayload, { ok: true; kind: K }>);
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }


  /**
   * A page with its PCollection's variable name: the kernel's page replies need not carry
   * one, but graph payloads and inspect replies name PCollections by variable.
   */
  private withVarName(page: PCollectionPayload): PCollectionPayload {
    if (page.varName || !page.pipeline || !page.pcollection) return page;
    const id = page.pcollection;
    const known = this.pipelinesById.get(page.pipeline.id)?.pcollections.find((x) => x.id === id)?.varName ?? null;
    const sampled = this.samples.get(`${page.pipeline.id}/${id}`)?.varName ?? null;
    const varName = known ?? sampled;
    return varName ? { ...page, varName } : page;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.session.iopubMessage.disconnect(this.onIopub, this);
    this.session.kernelChanged.disconnect(this.onKernelChanged, this);
    this.session.statusChanged?.disconnect(this.onStatusChanged, this);
    Signal.clearData(this);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private isIdle(): boolean {
    const k = this.kernel;
    return !!k && k.status === "idle" && this.running.size === 0;
  }

  private onKernelChanged(): void {
    // A new or restarted kernel has none of the old pipelines.
    this.pipelinesById.clear();
    this.partial = false;
    this.samples.clear();
    this.running.clear();
    this.inspectedOnce = false;
    this.wantInspect = false;
    this._lastError = null;
    this._changed.emit();
    if (this._active) this.scheduleInspect();
  }

  private onStatusChanged(_: unknown, status: string): void {
    if (FRESH_KERNEL.has(status)) this.onKernelChanged();
  }

  private onIopub(_: unknown, msg: IopubMessageLike): void {
    const parent = (msg.parent_header as { msg_id?: string }).msg_id ?? "";
    if (parent && this.ours.has(parent)) return;
    const type = msg.header.msg_type;
    const content = (msg.content ?? {}) as { execution_state?: string; data?: unknown };
    switch (type) {
      case "execute_input":
        if (parent) this.running.set(parent, false);
        this._changed.emit();
        return;
      case "display_data":
      case "update_display_data":
      case "execute_result": {
        // A live graph redraws on a timer and can land after its cell ended (even after a
        // Clear): only a running cell may list a pipeline anew.
        const inCell = this.running.has(parent);
        const sawGraph = this.ingestBundle(content.data, inCell);
        if (sawGraph && inCell) this.running.set(parent, true);
        return;
      }
      case "status": {
        const st = content.execution_state;
        if (st === "starting" || st === "restarting") {
          this.onKernelChanged();
          return;
        }
        // tslab publishes no execute_input: a user cell starts with the busy status of an
        // execute request (completions and inspections of the editor are not cells).
        const parentType = (msg.parent_header as { msg_type?: string }).msg_type;
        if (st === "busy" && parent && parentType === "execute_request" && !this.running.has(parent)) {
          this.running.set(parent, false);
          this._changed.emit();
          return;
        }
        if (st === "idle" && this.running.has(parent)) {
          const sawGraph = this.running.get(parent)!;
          this.running.delete(parent);
          // A cell that showed a graph already told us the state; others might have
          // created or run pipelines silently, so ask (debounced, once).
          if (!sawGraph || this.partial) this.scheduleInspect();
          this._changed.emit();
        } else if (st === "idle" && this.wantInspect) {
          this.scheduleInspect();
        }
        return;
      }
    }
  }

  private scheduleInspect(): void {
    this.wantInspect = true;
    if (!this._active || this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.maybeInspect();
    }, this.debounceMs);
  }

  private async maybeInspect(): Promise<void> {
    if (!this._active || !this.wantInspect || this.pending || !this.isIdle()) return;
    this.wantInspect = false;
    this.inspectedOnce = true;
    const generation = this.generation;
    const reply = await this.send(inspectCode());
    if (generation !== this.generation) {
      // Only a cell that ended after the Clear may bring pipelines back.
      if (this.wantInspect) this.scheduleInspect();
      return;
    }
    if (reply && reply.ok && reply.kind === "inspect") {
      this.pipelinesById = new Map(reply.pipelines.map((p) => [p.pipeline.id, p]));
      this.partial = false;
      this._lastError = null;
    } else if (reply && !reply.ok) {
      this._lastError = reply.error;
    }
    this._changed.emit();
    // Cells that ended while this request was out asked for another look: their idle
    // status came before ours, so nothing else would trigger it.
    if (this.wantInspect) this.scheduleInspect();
  }

  private async waitUntilIdle(): Promise<void> {
    const deadline = Date.now() + this.idleWaitMs;
    for (;;) {
      if (!this.kernel) throw new Error("No live kernel: showing the rows saved in the notebook.");
      if (this.isIdle() && !this.pending) return;
      if (Date.now() > deadline) throw new Error("The kernel stayed busy; try again when the cell has finished.");
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Sends one hidden request and returns the reply payload it displayed (or null). */
  private async send(code: string): Promise<ReplyPayload | null> {
    const kernel = this.kernel;
    if (!kernel) return null;
    this.pending = true;
    this._changed.emit();
    let reply: ReplyPayload | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    try {
      const future = kernel.requestExecute(
        { code, silent: true, store_history: false, allow_stdin: false, stop_on_error: false },
        true,
      );
      const id = future.msg.header.msg_id;
      this.ours.add(id);
      future.onIOPub = (msg: IopubMessageLike) => {
        const t = msg.header.msg_type;
        if (t === "display_data" || t === "execute_result" || t === "update_display_data") {
          const data = (msg.content as { data?: Record<string, unknown> } | null)?.data;
          if (data && REPLY_MIME in data) reply = asReplyPayload(data[REPLY_MIME]) ?? reply;
        }
      };
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.requestTimeoutMs);
      });
      await Promise.race([future.done.catch(() => undefined), timeout]);
      // Keep the id a moment: the kernel's idle status for it can trail the reply.
      setTimeout(() => this.ours.delete(id), 2000);
    } catch (err) {
      this._lastError = err instanceof Error ? err.message : String(err);
    } finally {
      if (timer) clearTimeout(timer);
      this.pending = false;
      this._changed.emit();
    }
    return reply;
  }
}

/**
 * A fake tslab kernel and notebook session for the KernelModel tests (not a test file).
 */
import { Signal } from "@lumino/signaling";
import { REPLY_MIME, type ReplyPayload } from "../../lib/display/protocol";
import type { FutureLike, IopubMessageLike, KernelLike } from "../../kernel-ext/src/model/kernel-model";

/** A fake tslab: records requests, answers them with a reply display_data. */
export class FakeKernel implements KernelLike {
  status = "idle";
  requests: string[] = [];
  /** How long the kernel takes to answer a request (ms). */
  delay = 1;
  constructor(public answer: (code: string) => ReplyPayload | null = () => ({ version: 1, ok: true, kind: "inspect", pipelines: [] })) {}
  requestExecute(content: { code: string }): FutureLike {
    this.requests.push(content.code);
    const id = `ours-${this.requests.length}`;
    let resolve!: () => void;
    const done = new Promise<unknown>((r) => (resolve = () => r(undefined)));
    const future: FutureLike = { msg: { header: { msg_id: id } }, onIOPub: () => undefined, done };
    setTimeout(() => {
      const reply = this.answer(content.code);
      if (reply) future.onIOPub({ header: { msg_type: "display_data" }, parent_header: { msg_id: id }, content: { data: { [REPLY_MIME]: reply } } });
      resolve();
    }, this.delay);
    return future;
  }
}

export class FakeSession {
  readonly iopubMessage = new Signal<this, IopubMessageLike>(this);
  readonly kernelChanged = new Signal<this, unknown>(this);
  session: { kernel: FakeKernel | null } = { kernel: new FakeKernel() };
  get kernel(): FakeKernel {
    return this.session.kernel!;
  }
  /** Emits the IOPub traffic of one user cell. */
  runCell(id: string, outputs: Array<Record<string, unknown>>): void {
    // As tslab does: no execute_input, the busy status of the execute request starts the cell.
    const msg = (msg_type: string, content: unknown): IopubMessageLike => ({ header: { msg_type }, parent_header: { msg_id: id, msg_type: "execute_request" }, content });
    this.kernel.status = "busy";
    this.iopubMessage.emit(msg("status", { execution_state: "busy" }));
    for (const data of outputs) this.iopubMessage.emit(msg("display_data", { data }));
    this.kernel.status = "idle";
    this.iopubMessage.emit(msg("status", { execution_state: "idle" }));
  }
}

/**
 * Where a step-through player is and where its controls go. Next and previous move among
 * the steps of one level (stepping over a composite); "step into" goes to a composite's
 * first step, "step out" back to the composite; next after a composite's last step goes on
 * after the composite. Pure: the Node tests drive it without a DOM.
 */
import type { StepPayload, StepThroughPayload } from "../../../lib/teaching/protocol";

export type PlayerMove = "first" | "prev" | "next" | "last" | "into" | "out";

export class PlayerModel {
  private readonly byId: Map<string, StepPayload>;
  private currentId: string;

  constructor(readonly payload: StepThroughPayload) {
    this.byId = new Map(payload.steps.map((s) => [s.id, s]));
    this.currentId = this.tops[0] ?? payload.steps[0].id;
  }

  /** The top-level steps that are in the payload. */
  private get tops(): string[] {
    return this.payload.top.filter((id) => this.byId.has(id));
  }

  get current(): StepPayload {
    return this.byId.get(this.currentId)!;
  }

  /** Position of the current step in play order (composites before their steps), from 0. */
  get position(): number {
    return this.payload.steps.findIndex((s) => s.id === this.currentId);
  }

  step(id: string): StepPayload | undefined {
    return this.byId.get(id);
  }

  /** The composites around the current step, outermost first. */
  get path(): StepPayload[] {
    const out: StepPayload[] = [];
    for (let s = this.current.parent ? this.byId.get(this.current.parent) : undefined; s; s = s.parent ? this.byId.get(s.parent) : undefined) out.unshift(s);
    return out;
  }

  private siblings(s: StepPayload): string[] {
    const parent = s.parent ? this.byId.get(s.parent) : undefined;
    return (parent ? parent.children : this.tops).filter((id) => this.byId.has(id));
  }

  /** Where a move would go, or null when it cannot (the button is disabled). */
  target(move: PlayerMove): string | null {
    const s = this.current;
    const sib = this.siblings(s);
    const i = sib.indexOf(s.id);
    switch (move) {
      case "first":
        return this.tops[0] !== s.id ? this.tops[0] : null;
      case "last": {
        const last = this.tops[this.tops.length - 1];
        return last !== s.id ? last : null;
      }
      case "prev":
        return i > 0 ? sib[i - 1] : s.parent;
      case "next": {
        // After a composite's last step, go on after the composite (and after its composite...).
        for (let at: StepPayload | undefined = s; at; at = at.parent ? this.byId.get(at.parent) : undefined) {
          const ss = this.siblings(at);
          const k = ss.indexOf(at.id);
          if (k < ss.length - 1) return ss[k + 1];
        }
        return null;
      }
      case "into":
        return s.children.find((id) => this.byId.has(id)) ?? null;
      case "out":
        return s.parent;
    }
  }

  /** Makes a move; false when it cannot. */
  go(move: PlayerMove): boolean {
    const t = this.target(move);
    if (t === null) return false;
    this.currentId = t;
    return true;
  }

  /** Jumps to a step by id (a click on the graph). */
  goTo(id: string): boolean {
    if (!this.byId.has(id)) return false;
    this.currentId = id;
    return true;
  }
}

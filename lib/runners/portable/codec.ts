/**
 * How beamlab elements travel through a Beam job service: every PCollection of the
 * translated pipeline has Beam's bytes coder, each element v8-serialized (what structured
 * clone keeps: dates, maps, sets, bigints, undefined fields), so the runner never needs to
 * understand a JavaScript value. Keys of a shuffle are beamlab's canonical key strings
 * (`keys.ts`), so that records compare by value as on the direct runner.
 */
import * as v8 from "node:v8";
import { stepFailure } from "../../errors";
import { encodeKey } from "../../keys";
import { badPair } from "../operators/group";

/** One element as the bytes a Beam runner moves. */
export function encodeElement(value: unknown): Uint8Array {
  return v8.serialize(value);
}

/** The element `encodeElement` made. */
export function decodeElement(bytes: Uint8Array): unknown {
  return v8.deserialize(bytes);
}

/** A `[key, value]` pair keyed for Beam's GroupByKey: the canonical key, and the whole pair as bytes. */
export function keyedForShuffle(label: string, element: unknown): { key: string; value: Uint8Array } {
  if (!Array.isArray(element) || element.length !== 2) throw badPair(label, element);
  let key: string;
  try {
    key = encodeKey(element[0]);
  } catch (e) {
    throw stepFailure(e, {
      label,
      element,
      hasElement: true,
      message: "The key of this element cannot be compared with other keys",
      hint: "keys must be data (strings, numbers, bigints, booleans, null, dates, and arrays or plain records of them).",
    });
  }
  return { key, value: encodeElement(element) };
}

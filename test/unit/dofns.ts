/**
 * DoFn classes the runner tests share (not a test file itself): classes with constructor
 * arguments, which every runner must move with their fields.
 */
import * as beam from "../../lib";

/** The length of a line times a factor given to the constructor (a field, copied to the workers). */
export class LengthFn extends beam.DoFn<string, number> {
  constructor(readonly factor: number) {
    super();
  }
  process(line: string): number[] {
    return [line.length * this.factor];
  }
}

/** Fails on one element, after logging about it. */
export class FailOn extends beam.DoFn<number, number> {
  constructor(readonly bad: number) {
    super();
  }
  process(n: number): number[] {
    if (n === this.bad) {
      console.log("about to fail on", n);
      throw new Error(`cannot handle ${n}`);
    }
    return [n];
  }
}

/**
 * `beam.portable`: what a notebook needs around `runner: "portable"`: Beam's Prism runner
 * as a job service on this machine.
 */
export { startPrism, installPrism, prismBinary, PRISM_VERSION, type PrismServer } from "./prism";
export { PortableRunner } from "./portable-runner";

/** Side inputs: `beam.pvalue.AsList` / `AsIter` / `AsDict` / `AsSingleton`. */
export { AsList, AsIter, AsDict, AsSingleton, SideInput } from "./transforms/side-inputs";

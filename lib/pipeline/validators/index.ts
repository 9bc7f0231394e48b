/**
 * The validators every run goes through, registered in the order their findings are shown.
 * Another check is one more module with a {@link PipelineValidator} and one more line here
 * (or a `registerValidator` call from anywhere).
 */
import { registerValidator } from "../validate";
import { keyedInputsValidator } from "./keyed-inputs";
import { labelsValidator } from "./labels";
import { sideInputsValidator } from "./side-inputs";
import { sinkSchemaValidator } from "./sink-schema";
import { unconsumedValidator } from "./unconsumed";

export type { PipelineValidator } from "../validate";

registerValidator(labelsValidator);
registerValidator(keyedInputsValidator);
registerValidator(sideInputsValidator);
registerValidator(sinkSchemaValidator);
registerValidator(unconsumedValidator);

/**
 * The direct runner's operators, registered by primitive kind.
 */
import { registerOperator } from "../operator";
import { flattenOperator } from "./flatten";
import { combinePerKeyOperator, groupByKeyOperator } from "./group";
import { ParDoOperator, SideInputParDoOperator } from "./pardo";
import { createOperator, readOperator } from "./sources";
import { writeOperator } from "./write";

registerOperator("Create", createOperator);
registerOperator("Read", readOperator);
registerOperator("ParDo", (ctx) =>
  ctx.exec.sideInputs.length ? new SideInputParDoOperator(ctx) : new ParDoOperator(ctx),
);
registerOperator("GroupByKey", groupByKeyOperator);
registerOperator("CombinePerKey", combinePerKeyOperator);
registerOperator("Flatten", flattenOperator);
registerOperator("Write", writeOperator);

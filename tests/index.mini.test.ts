import { Evaluation } from "../tools/offline/evaluate";
import { T, evaluateShippedStack, ofType } from "./support/stack";

let ev: Evaluation;
beforeAll(async () => {
  ev = await evaluateShippedStack("mini");
});

test("smoke", () => {
  expect(ev.error).toBeUndefined();
  console.log(ev.resources.map((r) => `${r.type} ${r.name}`).join("\n"));
  expect(ofType(ev, T.provider)).toHaveLength(1);
});

/** Monitoring in the shipped mini stack under mocks (see monitoringStack.ts for what is mocked and why). */
import { CONFIG_DIR } from "../../lib/platform/monitoring/context";
import { T, ofType } from "../support/stack";
import { describeMonitoringStack } from "./monitoringStack";

const evaluation = describeMonitoringStack("mini");

test("the mini's alertmanager.yml holds the receiver URL, so the whole upload is a secret in state", () => {
  const am = ofType(evaluation(), T.container).find((c) => c.inputs.name === "minidock-alertmanager-1")!;
  expect(am.secretInputs).toContain("uploads");
  const file = (am.inputs.uploads as { file: string; content: string }[]).find((u) => u.file === `${CONFIG_DIR}/alertmanager.yml`)!;
  expect(file.content).toContain("receiver: ntfy");
  expect(file.content).toContain("webhook_configs");
});

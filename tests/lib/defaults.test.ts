import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { DEFAULTS } from "../../lib/defaults";

/** Pulumi.yaml declares the scalar defaults for the CLI; the program has its own copy for mocks and tools. */
test("Pulumi.yaml's project config defaults match the program's defaults", () => {
  const project = parse(fs.readFileSync(path.join(__dirname, "../../Pulumi.yaml"), "utf8"));
  expect(project.name).toBe("minidock");
  expect(project.config.logMaxSize).toEqual(expect.objectContaining({ type: "string", default: DEFAULTS.logMaxSize }));
  expect(project.config.logMaxFiles).toEqual(expect.objectContaining({ type: "integer", default: DEFAULTS.logMaxFiles }));
});

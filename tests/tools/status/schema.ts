import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import addFormats from "ajv-formats";

/** schemas/status.schema.json compiled once, strict: what `status --json` promises to print. */
export const SCHEMA_FILE = path.resolve(__dirname, "../../../schemas/status.schema.json");
export const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")) as Record<string, unknown>;

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
export const validateStatus = ajv.compile(schema);

/** The schema's complaints about a document, one per line; empty when it is valid. */
export function schemaErrors(doc: unknown): string[] {
  return validateStatus(doc) ? [] : (validateStatus.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
}

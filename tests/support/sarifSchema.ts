import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import * as fs from "fs";

/**
 * The SARIF 2.1.0 JSON schema as published by the SARIF SDK team (@microsoft/jest-sarif ships it), compiled with
 * ajv. The schema is draft-04 and holds one regex that is valid only outside unicode mode; formats (uri,
 * date-time) are checked too.
 */
const schema = JSON.parse(fs.readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8")) as object;
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
export const validateSarif = ajv.compile(schema);

/** The schema's complaints about `doc`, as `path message` lines: [] when it is a valid SARIF log. */
export function sarifSchemaErrors(doc: unknown): string[] {
  return validateSarif(doc) ? [] : (validateSarif.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

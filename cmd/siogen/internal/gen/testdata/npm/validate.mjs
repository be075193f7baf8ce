// validate.mjs FILE... parses each AsyncAPI document with the official
// parser (@asyncapi/parser), prints every diagnostic, and exits 1 when one
// is an error or when the documents (the same contract as YAML and as
// JSON) do not parse into the same document.
import { readFileSync } from "node:fs";
import { Parser, stringify } from "@asyncapi/parser";

const parser = new Parser();
const severities = ["error", "warning", "info", "hint"];
let failed = false;
let first;
for (const file of process.argv.slice(2)) {
  const { document, diagnostics } = await parser.parse(readFileSync(file, "utf8"), { source: file });
  for (const d of diagnostics) {
    const sev = severities[d.severity] ?? d.severity;
    console.log(`${file}: ${sev}: ${d.code}: ${d.message} at ${d.path.join(".")}`);
    if (d.severity === 0) failed = true;
  }
  if (!document) {
    console.log(`${file}: does not parse`);
    failed = true;
    continue;
  }
  // The JSON document's header member is the YAML document's comment.
  delete document.json()["x-generated"];
  const text = stringify(document);
  if (first === undefined) {
    first = { file, text };
  } else if (text !== first.text) {
    console.log(`${file} and ${first.file} parse into different documents`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);

// samples.mjs DOC.json SAMPLES validates values against the schemas of an
// AsyncAPI document (JSON) with ajv: each line of SAMPLES is "Name JSON",
// a value that must match components.schemas.Name. It prints every
// failure and exits 1 when there is one.
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const [docFile, samplesFile] = process.argv.slice(2);
const doc = JSON.parse(readFileSync(docFile, "utf8"));
const ajv = new Ajv({ strict: false, allErrors: true, formats: { binary: true } });
addFormats(ajv);
const id = "https://siogen.invalid/asyncapi.json";
ajv.addSchema({ $id: id, components: doc.components }, id);
let failed = false;
let n = 0;
for (const line of readFileSync(samplesFile, "utf8").split("\n")) {
  if (line === "") continue;
  const space = line.indexOf(" ");
  const name = line.slice(0, space);
  const value = JSON.parse(line.slice(space + 1));
  const validate = ajv.getSchema(`${id}#/components/schemas/${name}`);
  if (!validate) {
    console.log(`${name}: no such schema`);
    failed = true;
    continue;
  }
  n++;
  if (!validate(value)) {
    console.log(`${name} ${line.slice(space + 1)}: ${ajv.errorsText(validate.errors)}`);
    failed = true;
  }
}
if (n === 0) {
  console.log("no samples");
  failed = true;
}
process.exit(failed ? 1 : 0);

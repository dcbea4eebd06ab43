// Validates Teams app manifests (paths given as arguments) against the v1.17 schema that
// @microsoft/app-manifest ships, with that package's own validator (ajv, draft-04, the
// formats the Agents Toolkit checks). Never fetches anything: the schema is read from
// node_modules. Prints one JSON line per manifest: {"file": ..., "errors": [...]}; exits 1
// when any manifest has errors.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const { AppManifestUtils } = require("@microsoft/app-manifest");
const root = path.dirname(require.resolve("@microsoft/app-manifest/package.json"));
const raw = readFileSync(
  path.join(root, "build/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"),
  "utf8",
);
// The same clean-up the package applies to the schemas it loads.
const schema = JSON.parse(raw.replace(/\\a/g, "\\u0007").replace(/\\v/g, "\\u000b"));

let failed = false;
for (const file of process.argv.slice(2)) {
  const manifest = JSON.parse(readFileSync(file, "utf8"));
  const errors = await AppManifestUtils.validateAgainstSchema(manifest, schema);
  if (errors.length > 0) failed = true;
  console.log(JSON.stringify({ file, errors }));
}
process.exit(failed ? 1 : 0);

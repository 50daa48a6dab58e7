// Validates manifests rendered by `helm template` against the Kubernetes schemas.
//
//   node validate.mjs NAME RENDERED.yaml OUT_DIR
//
// Each document is checked by its kind's model from kubernetes-models (the Kubernetes OpenAPI schemas: types,
// required fields, formats, enums) or @kubernetes-models/prometheus-operator (ServiceMonitor). A kind without a schema
// fails. Writes OUT_DIR/NAME.json (the documents, for the .NET tests) and OUT_DIR/NAME.ts (each document typed with
// its kind's interface; helm-check.sh compiles it with tsc, whose excess-property check rejects unknown fields, which
// the schemas alone allow). Exits 1 on any failure, naming the template, the object and the field.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseAllDocuments } from "yaml";

const [name, input, outDir] = process.argv.slice(2);
if (!name || !input || !outDir) {
  console.error("usage: node validate.mjs NAME RENDERED.yaml OUT_DIR");
  process.exit(2);
}

// apiVersion "group/version" (or "v1" for the core group) and kind → the module holding the model.
function modulePath(apiVersion, kind) {
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  }
  return `kubernetes-models/${apiVersion}/${kind}`;
}

const text = await readFile(input, "utf8");
const failures = [];
const documents = [];
const typed = [];
for (const document of parseAllDocuments(text)) {
  if (document.errors.length > 0) {
    failures.push(`YAML: ${document.errors.map((e) => e.message).join("; ")}`);
    continue;
  }
  const value = document.toJS();
  if (value === null || value === undefined) {
    continue;
  }
  const source = /# Source: (\S+)/.exec(String(document.commentBefore ?? ""))?.[1] ?? "(unknown template)";
  const where = `${source}: ${value.kind ?? "?"}/${value.metadata?.name ?? "?"}`;
  if (typeof value.apiVersion !== "string" || typeof value.kind !== "string") {
    failures.push(`${where}: no apiVersion or kind`);
    continue;
  }
  const module = modulePath(value.apiVersion, value.kind);
  let Model;
  try {
    Model = (await import(module))[value.kind];
  } catch {
    Model = undefined;
  }
  if (typeof Model !== "function") {
    failures.push(`${where}: no schema for ${value.apiVersion} ${value.kind}`);
    continue;
  }
  try {
    new Model(value).validate();
  } catch (error) {
    failures.push(`${where}: ${error.message}`);
  }
  documents.push({ source, ...value });
  typed.push({ source, where, module, kind: value.kind, value });
}

if (documents.length === 0) {
  failures.push("the rendering holds no Kubernetes object");
}

// One import and one typed constant per object; a comment line names it, so tsc's line numbers point at it.
const lines = [];
typed.forEach((t, i) => {
  lines.push(`import type { I${t.kind} as T${i} } from "${t.module}";`);
});
typed.forEach((t, i) => {
  lines.push(`// ${t.where}`);
  lines.push(`export const object${i}: T${i} = ${JSON.stringify(t.value)};`);
});
await writeFile(path.join(outDir, `${name}.json`), JSON.stringify(documents, null, 2));
await writeFile(path.join(outDir, `${name}.ts`), lines.join("\n") + "\n");

if (failures.length > 0) {
  for (const failure of failures) {
    console.error(`${name}: ${failure}`);
  }
  process.exit(1);
}
console.log(`${name}: ${documents.length} objects valid (${documents.map((d) => d.kind).join(", ")})`);

// Validates Kubernetes objects offline: every object of the YAML documents on stdin (kubectl kustomize's output)
// against its kind's schema (kubernetes-models; @kubernetes-models/keda and cert-manager for theirs), and every
// environment variable the objects' containers set against the ones the node reads, which are read from
// `primecluster-node --help` (each flag names its variable in brackets). A variable the node does not read passes only
// when another variable's value refers to it as $(NAME), as Kubernetes expands it.
//
//   kubectl kustomize deploy/kubernetes/base | node validate.mjs --node-help HELP_FILE
//
// Exit code 0 when every object holds; 1 with one line per problem otherwise. An object of a kind no package here
// knows is a problem too: nothing is waved through unchecked.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const packages = {
  "keda.sh": "@kubernetes-models/keda",
  "cert-manager.io": "@kubernetes-models/cert-manager",
};

/** The model class of an apiVersion and kind, or null when no package here has it. */
export async function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const module = group === "" ? `kubernetes-models/${version}/${kind}`
    : packages[group] ? `${packages[group]}/${group}/${version}/${kind}`
    : `kubernetes-models/${group}/${version}/${kind}`;
  try {
    return (await import(module))[kind] ?? null;
  } catch (error) {
    if (error.code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || error.code === "ERR_MODULE_NOT_FOUND") return null;
    throw error;
  }
}

/** The variables the node reads: every [NAME] that `primecluster-node --help` gives. */
export function variablesRead(help) {
  return new Set([...help.matchAll(/\[([A-Z][A-Z0-9_]*)\]/g)].map((m) => m[1]));
}

/** Every container (and init container) of a workload object, with where it stands. */
function containersOf(object) {
  const spec = object.spec?.template?.spec ?? object.spec?.jobTemplate?.spec?.template?.spec ?? (object.kind === "Pod" ? object.spec : null);
  if (!spec) return [];
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])]
    .map((container) => ({ container, where: `${object.kind}/${object.metadata?.name} container ${container.name}` }));
}

/** The problems of the objects: schema violations, unknown kinds, variables the node does not read. */
export async function problemsOf(objects, read) {
  const problems = [];
  for (const object of objects) {
    const name = `${object?.kind ?? "?"}/${object?.metadata?.name ?? "?"}`;
    if (!object?.apiVersion || !object?.kind) {
      problems.push(`${name}: no apiVersion or kind`);
      continue;
    }

    const Model = await modelOf(object.apiVersion, object.kind);
    if (!Model) {
      problems.push(`${name}: no schema known for ${object.apiVersion} ${object.kind}`);
      continue;
    }

    try {
      new Model(object).validate();
    } catch (error) {
      problems.push(`${name} (${object.apiVersion}): ${error.message}`);
    }

    for (const { container, where } of containersOf(object)) {
      const env = container.env ?? [];
      const referred = new Set(env.flatMap((e) => [...String(e.value ?? "").matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].map((m) => m[1])));
      for (const { name: variable } of env) {
        if (!read.has(variable) && !referred.has(variable)) {
          problems.push(`${where}: sets ${variable}, which the node does not read`);
        }
      }
      if ((container.envFrom ?? []).length > 0) {
        problems.push(`${where}: envFrom sets variables no one can check here; name each in env`);
      }
    }
  }
  return problems;
}

/** Every object of the YAML documents in text; a document that does not parse throws. */
export function objectsOf(text) {
  return parseAllDocuments(text).flatMap((document) => {
    if (document.errors.length > 0) throw new Error(`YAML: ${document.errors[0].message}`);
    const value = document.toJS();
    return value == null ? [] : [value];
  });
}

async function main() {
  const at = process.argv.indexOf("--node-help");
  if (at < 0 || !process.argv[at + 1]) {
    console.error("usage: kubectl kustomize DIR | node validate.mjs --node-help HELP_FILE");
    process.exit(2);
  }
  const read = variablesRead(readFileSync(process.argv[at + 1], "utf8"));
  if (read.size < 5) {
    console.error(`validate: ${process.argv[at + 1]} names ${read.size} variables; is it primecluster-node --help?`);
    process.exit(2);
  }
  const objects = objectsOf(readFileSync(0, "utf8"));
  if (objects.length === 0) {
    console.error("validate: no objects on stdin");
    process.exit(1);
  }
  const problems = await problemsOf(objects, read);
  for (const problem of problems) console.error(`validate: ${problem}`);
  const kinds = [...new Set(objects.map((o) => o.kind))].join(", ");
  console.log(`validate: ${objects.length} objects (${kinds}): ${problems.length === 0 ? "all valid" : `${problems.length} problems`}`);
  process.exit(problems.length === 0 ? 0 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}

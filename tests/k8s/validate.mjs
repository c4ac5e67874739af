// Validates every object of rendered Kubernetes manifests (the output of `kubectl kustomize`) against its kind's
// schema, as a cluster's API server would before storing it:
// - built-in kinds with the models of kubernetes-models (JSON schemas generated from Kubernetes' OpenAPI definitions);
// - Dapr's kinds with models that @kubernetes-models/crd-generate generates, at every run, from Dapr's own CRDs
//   (crds/dapr/, copied unchanged from the dapr/dapr repository, see crds/dapr/README.md).
// A kind with no model fails the run, unless UNVALIDATED below names it with the reason.
//
//   node tests/k8s/validate.mjs dev.yaml prod.yaml     (a file per overlay; "-" reads standard input)
//
// Exit code 0 when every object is valid, 1 otherwise. What the schemas do not check: fields a schema does not name
// (kubernetes-models, like kubernetes-validate without --strict, lets them through; a server with strict field
// validation rejects them), and what only a server knows (names taken, admission policies, quotas).
import { createRequire } from "node:module";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Model, setValidateFunc } from "@kubernetes-models/base";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));

// crd-generate's CommonJS build: its ES module build imports a folder of ajv's, which Node's ES module loader refuses.
const { generate } = createRequire(import.meta.url)("@kubernetes-models/crd-generate");

// "apiVersion Kind" of a kind that is let through without validation, with the reason. Empty: every kind the overlays
// render has a model.
const UNVALIDATED = new Map([
  // ["example.com/v1 Widget", "no schema of it is published"],
]);

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs <rendered.yaml | -> ...");
  process.exit(2);
}

const versions = await packageVersions(["kubernetes-models", "@kubernetes-models/crd-generate"]);
const crds = await loadCrdModels();
const builtIn = new Map();
await refusesWhatIsWrong();
let valid = 0;
let invalid = 0;
let skipped = 0;
const perFile = [];

for (const file of files) {
  const text = file === "-" ? await readStdin() : await readFile(file, "utf8");
  const documents = parseAllDocuments(text);
  let count = 0;
  for (const [index, document] of documents.entries()) {
    if (document.errors.length > 0) {
      report(file, `document ${index + 1}`, document.errors.map((e) => e.message));
      invalid++;
      continue;
    }

    const object = document.toJS();
    if (object == null) {
      continue;
    }

    count++;
    const where = `${object.kind ?? "?"} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata?.name ?? "?"}`;
    const key = `${object.apiVersion} ${object.kind}`;
    const model = await modelOf(object.apiVersion, object.kind);
    if (model === undefined) {
      if (UNVALIDATED.has(key)) {
        console.log(`${file}: ${where}: not validated (${UNVALIDATED.get(key)})`);
        skipped++;
      } else {
        report(file, where, [`no schema for ${key}: add a model, or list the kind in UNVALIDATED with the reason`]);
        invalid++;
      }

      continue;
    }

    try {
      new model(apiServerReading(object)).validate();
      valid++;
    } catch (error) {
      report(file, where, [error.message]);
      invalid++;
    }
  }

  perFile.push(`${file === "-" ? "stdin" : basename(file, ".yaml")} ${count}`);
}

console.log(
  `kubernetes schemas: ${valid} objects valid, ${invalid} invalid, ${skipped} not validated (${perFile.join(", ")}; ` +
    `kubernetes-models ${versions["kubernetes-models"]}, Dapr CRDs through @kubernetes-models/crd-generate ${versions["@kubernetes-models/crd-generate"]})`,
);
process.exit(invalid === 0 ? 0 : 1);

// What the API server reads from a field of format "byte": Go's encoding/base64, which ignores line breaks (CR and LF).
// kustomize's secretGenerator writes long base64 values as YAML block scalars broken over lines; the schemas' "byte"
// format (a single-line pattern) would refuse what every cluster accepts, so the line breaks go before validation.
function apiServerReading(object) {
  const field = object.apiVersion === "v1" && object.kind === "Secret" ? "data" : object.apiVersion === "v1" && object.kind === "ConfigMap" ? "binaryData" : null;
  if (field === null || object[field] == null || typeof object[field] !== "object") {
    return object;
  }

  const values = Object.fromEntries(Object.entries(object[field]).map(([key, value]) => [key, typeof value === "string" ? value.replace(/[\r\n]/g, "") : value]));
  return { ...object, [field]: values };
}

// The validators must refuse what a server refuses: one wrong object of a built-in kind and one of a Dapr kind, so an
// upgrade that made validation a no-op fails here instead of passing every manifest.
async function refusesWhatIsWrong() {
  const wrong = [
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "wrong" }, spec: { replicas: "three", selector: {}, template: {} } },
    { apiVersion: "dapr.io/v1alpha1", kind: "Resiliency", metadata: { name: "wrong" }, spec: { policies: { retries: { r: { maxRetries: "many" } } } } },
  ];
  for (const object of wrong) {
    const model = await modelOf(object.apiVersion, object.kind);
    let refused = false;
    try {
      new model(object).validate();
    } catch {
      refused = true;
    }

    if (!refused) {
      throw new Error(`the ${object.kind} model accepted a wrong object: validation does not work`);
    }
  }
}

function report(file, where, messages) {
  for (const message of messages) {
    console.error(`${file}: ${where}: ${message}`);
  }
}

// The model of a kind: Dapr's from its CRDs, a built-in one from kubernetes-models; undefined when neither has it.
async function modelOf(apiVersion, kind) {
  return crds.get(`${apiVersion} ${kind}`) ?? (await builtInModel(apiVersion, kind));
}

// The class kubernetes-models exports for a built-in kind: kubernetes-models/<group>/<version> (core: /v1) exports one
// class per kind, and its static apiVersion and kind must be the object's (the same modules also export the types of
// fields, which have neither).
async function builtInModel(apiVersion, kind) {
  const key = `${apiVersion} ${kind}`;
  if (!builtIn.has(key)) {
    let model;
    if (typeof apiVersion === "string" && /^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion) && typeof kind === "string") {
      try {
        const module = await import(`kubernetes-models/${apiVersion}`);
        const candidate = module[kind];
        if (candidate?.apiVersion === apiVersion && candidate?.kind === kind) {
          model = candidate;
        }
      } catch (error) {
        if (error.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED" && error.code !== "ERR_MODULE_NOT_FOUND") {
          throw error;
        }
      }
    }

    builtIn.set(key, model);
  }

  return builtIn.get(key);
}

// Generates the models of the CRDs in crds/ into a fresh folder inside this package (the generated schemas import
// @kubernetes-models/* from node_modules here), and builds each kind's model the way the generated TypeScript class
// does: a Model with the kind's apiVersion and kind, validated by the generated schema.
async function loadCrdModels() {
  const models = new Map();
  const crdFolder = join(here, "crds", "dapr");
  const input = (await Promise.all((await readdir(crdFolder)).filter((f) => f.endsWith(".yaml")).sort().map((f) => readFile(join(crdFolder, f), "utf8")))).join("\n---\n");
  const output = await mkdtemp(join(here, ".generated-"));
  try {
    // crd-generate prints a line per file it writes; only the totals line below is wanted.
    const log = console.log;
    console.log = () => {};
    try {
      await generate({ input, outputPath: output });
    } finally {
      console.log = log;
    }

    for (const crd of parseAllDocuments(input).map((d) => d.toJS()).filter((d) => d?.kind === "CustomResourceDefinition")) {
      for (const version of crd.spec.versions) {
        const apiVersion = `${crd.spec.group}/${version.name}`;
        const kind = crd.spec.names.kind;
        const schemaFile = join(output, "_schemas", `${pascal(crd.spec.group)}${pascal(version.name)}${kind}.js`);
        const { validate } = await import(pathToFileURL(schemaFile).href);
        const model = class extends Model {
          static apiVersion = apiVersion;
          static kind = kind;
          constructor(data) {
            super();
            this.setDefinedProps({ apiVersion, kind, ...data });
          }
        };
        setValidateFunc(model, validate);
        models.set(`${apiVersion} ${kind}`, model);
      }
    }
  } finally {
    await rm(output, { recursive: true, force: true });
  }

  if (models.size === 0) {
    throw new Error(`no CRD models were generated from ${crdFolder}`);
  }

  return models;
}

// crd-generate's file names: dapr.io + v1alpha1 + Component -> DaprIoV1alpha1Component.
function pascal(text) {
  return text.split(/[.-]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join("");
}

async function packageVersions(names) {
  const versions = {};
  for (const name of names) {
    versions[name] = JSON.parse(await readFile(join(here, "node_modules", name, "package.json"), "utf8")).version;
  }

  return versions;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }

  return Buffer.concat(chunks).toString("utf8");
}

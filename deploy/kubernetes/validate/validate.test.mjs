// The validator's own checks: each kind of problem it exists to catch is caught, and a sound object passes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { problemsOf, variablesRead, objectsOf } from "./validate.mjs";

const read = variablesRead("--port <value>  Cluster port [CLUSTER_PORT]\n--ip <value>  Host name [CLUSTER_IP]\n");

const deployment = (spec, env = [{ name: "CLUSTER_PORT", value: "4053" }]) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "w" },
  spec: {
    selector: { matchLabels: { app: "w" } },
    template: { metadata: { labels: { app: "w" } }, spec: { containers: [{ name: "node", image: "primecluster", env }] } },
    ...spec,
  },
});

test("a sound object passes", async () => {
  assert.deepEqual(await problemsOf([deployment({ replicas: 2 })], read), []);
});

test("a field of the wrong type is a problem", async () => {
  const problems = await problemsOf([deployment({ replicas: "two" })], read);
  assert.equal(problems.length, 1);
  assert.match(problems[0], /Deployment\/w .*replicas must be integer/);
});

test("a KEDA ScaledObject is checked against its own schema", async () => {
  const scaled = { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", metadata: { name: "s" },
    spec: { scaleTargetRef: { name: "w" }, minReplicaCount: "one", triggers: [{ type: "prometheus", metadata: {} }] } };
  const problems = await problemsOf([scaled], read);
  assert.equal(problems.length, 1);
  assert.match(problems[0], /minReplicaCount must be integer/);
});

test("a kind no package knows is a problem, not a pass", async () => {
  const problems = await problemsOf([{ apiVersion: "example.com/v1", kind: "Frobnicator", metadata: { name: "f" } }], read);
  assert.deepEqual(problems, ["Frobnicator/f: no schema known for example.com/v1 Frobnicator"]);
});

test("a variable the node does not read is a problem; one that only feeds another's value is not", async () => {
  const env = [
    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    { name: "CLUSTER_IP", value: "$(POD_NAME).primecluster-seed" },
    { name: "CLUSTER_PORTS", value: "4053" },
  ];
  const problems = await problemsOf([deployment({}, env)], read);
  assert.deepEqual(problems, ["Deployment/w container node: sets CLUSTER_PORTS, which the node does not read"]);
});

test("documents are read as kubectl kustomize writes them", () => {
  const objects = objectsOf("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n");
  assert.deepEqual(objects.map((o) => o.metadata.name), ["a", "b"]);
});

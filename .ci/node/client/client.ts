// What a frontend does with the generated types: create a pipeline, read it, list with a status filter and a
// second page, report an error and handle a problem response. Built with `tsc --strict` against types that
// openapi-typescript generated from the document the binary serves, and run against that binary: no hand edits.
import { createHmac, randomUUID } from "node:crypto";
import createClient from "openapi-fetch";
import type { components, paths } from "./api.js";

type Problem = components["schemas"]["ProblemDetails"];

const baseUrl = process.env.API_URL ?? "http://127.0.0.1:8080";
const key = Buffer.from(process.env.JWT_KEY_BASE64 ?? "", "base64");
const issuer = process.env.JWT_ISSUER ?? "assetforge-ci";
const audience = process.env.JWT_AUDIENCE ?? "assetforge-api";

/** An HS256 JWT as the identity provider would issue it (the binary is configured with the same key). */
function token(subject: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${encode({ alg: "HS256", typ: "JWT" })}.${encode({ sub: subject, iss: issuer, aud: audience, iat: now, nbf: now - 60, exp: now + 3600 })}`;
  return `${unsigned}.${createHmac("sha256", key).update(unsigned).digest("base64url")}`;
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function describe(problem: Problem): string {
  const fields = Object.entries(problem.errors ?? {}).map(([field, messages]) => `${field}: ${messages.join(" ")}`);
  return `${problem.status} ${problem.title}: ${problem.detail}${fields.length ? ` (${fields.join("; ")})` : ""} [traceId ${problem.traceId}]`;
}

const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token(`did:ci:${randomUUID()}`)}` } });
const anonymous = createClient<paths>({ baseUrl });

// 1. Create a pipeline: 201 with the pipeline, its Location and its ETag.
const created = await api.POST("/api/pipelines", {
  body: { config: { prompt: "a low-poly fox", style: "stylized" }, stages: [{ name: "generate" }, { name: "rig" }] },
});
check(created.data !== undefined, `create failed: ${created.error ? describe(created.error) : created.response.status}`);
const pipeline = created.data;
check(created.response.status === 201 && created.response.headers.get("Location") === `/api/pipelines/${pipeline.id}`, "create: 201 with Location");
console.log(`created pipeline ${pipeline.id} (${pipeline.status}, ${pipeline.stages.length} stages, ETag ${created.response.headers.get("ETag")})`);

// 2. Read it back; with its ETag as If-None-Match the answer is 304.
const read = await api.GET("/api/pipelines/{id}", { params: { path: { id: pipeline.id } } });
check(read.data?.id === pipeline.id, "read: the same pipeline");
const etag = read.response.headers.get("ETag");
check(etag !== null, "read: an ETag");
const again = await api.GET("/api/pipelines/{id}", { params: { path: { id: pipeline.id }, header: { "If-None-Match": etag } } });
check(again.response.status === 304, `read with If-None-Match: 304, got ${again.response.status}`);
console.log(`read pipeline ${read.data.id}: stages ${read.data.stages.map((s) => `${s.name}=${s.status}`).join(", ")}; conditional read 304`);

// 3. Two more, then list by status two at a time: the second page follows the first's cursor.
for (const prompt of ["a brass key", "a mossy rock"]) {
  const more = await api.POST("/api/pipelines", { body: { config: { prompt }, stages: [{ name: "generate" }] } });
  check(more.response.status === 201, "create more");
}
const first = await api.GET("/api/pipelines", { params: { query: { status: ["initializing"], limit: 2 } } });
check(first.data !== undefined && first.data.data.length === 2 && first.data.pagination.hasMore, "list: a full first page");
const cursor = first.data.pagination.nextCursor;
check(typeof cursor === "string", "list: a next cursor");
const second = await api.GET("/api/pipelines", { params: { query: { status: ["initializing"], limit: 2, cursor } } });
check(second.data !== undefined && second.data.data.length === 1 && !second.data.pagination.hasMore, "list: the last page");
const ids = new Set([...first.data.data, ...second.data.data].map((p) => p.id));
check(ids.size === 3 && ids.has(pipeline.id), "list: every pipeline once");
console.log(`listed status=initializing: page 1 has ${first.data.data.length}, page 2 has ${second.data.data.length}`);

// 4. Report an error without a token (browsers do).
const reported = await anonymous.POST("/api/errors", {
  body: { endpoint: "/api/pipelines", method: "POST", message: "Upload failed", severity: "error", category: "network", tags: ["ci"] },
});
check(reported.data !== undefined && reported.response.status === 201, `report: 201, got ${reported.response.status}`);
console.log(`reported error ${reported.data.id} (${reported.data.severity}/${reported.data.category})`);

// 5. A problem response, typed: a malformed id is a 400 naming the parameter.
const bad = await api.GET("/api/pipelines/{id}", { params: { path: { id: "not-a-uuid" } } });
check(bad.error !== undefined && bad.response.status === 400, `bad id: 400, got ${bad.response.status}`);
check(bad.response.headers.get("Content-Type")?.startsWith("application/problem+json") === true, "bad id: problem+json");
check(bad.error.errors?.["id"] !== undefined, "bad id: the problem names `id`");
console.log(`handled problem: ${describe(bad.error)}`);
console.log("client: all steps passed");

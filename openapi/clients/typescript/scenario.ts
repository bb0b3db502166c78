// An integrator's first session with the generated TypeScript client, against a live server:
// token auth, contacts with pagination, a template previewed for a contact, a media upload, and a
// contact import followed to the end. Type-checked against the generated schema (`npm run check`).
// Usage: ULAK_URL=http://127.0.0.1:8080 ULAK_TOKEN=ulak_… ULAK_WS=… npx tsx scenario.ts
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileField, formData, ulakClient } from "./src/index";

const base = process.env.ULAK_URL ?? "http://127.0.0.1:8080";
const token = process.env.ULAK_TOKEN ?? "";
const workspace = process.env.ULAK_WS ?? "";
const fixtures = new URL("../../../plugins/fixtures/", import.meta.url);
const api = ulakClient(base, token);
const ws = { path: { workspace } };

const me = await api.GET("/api/v1/auth/me");
assert.equal(me.response.status, 200, JSON.stringify(me.error));

// Contacts, and pages of two.
const people = [
  { phone: "0532 111 22 33", first_name: "Ayşe", last_name: "Yılmaz", gender: "female" as const },
  { phone: "+90 533 444 55 66", first_name: "Çağlar", last_name: "Öztürk", gender: "male" as const },
  { phone: "05447778899", first_name: "İlkay", tags: ["vip"] },
];
for (const person of people) {
  const created = await api.POST("/api/v1/workspaces/{workspace}/contacts", {
    params: ws,
    body: person,
  });
  assert.equal(created.response.status, 201, JSON.stringify(created.error));
}
const duplicate = await api.POST("/api/v1/workspaces/{workspace}/contacts", {
  params: ws,
  body: { phone: "05321112233" },
});
assert.equal(duplicate.response.status, 409);
assert.equal(duplicate.error?.code, "contact_exists");
const seen: string[] = [];
let cursor: string | undefined;
do {
  const page = await api.GET("/api/v1/workspaces/{workspace}/contacts", {
    params: { ...ws, query: { limit: 2, cursor } },
  });
  assert.equal(page.response.status, 200);
  seen.push(...page.data!.items.map((c) => c.id));
  cursor = page.data!.next_cursor ?? undefined;
} while (cursor);
assert.deepEqual(seen, ["905321112233", "905334445566", "905447778899"]);

// A template, previewed for a stored contact.
const template = await api.POST("/api/v1/workspaces/{workspace}/templates", {
  params: ws,
  body: { name: "Sipariş", body: "%sayın%, siparişiniz %tarih:d MMMM% tarihinde hazır." },
});
assert.equal(template.response.status, 201, JSON.stringify(template.error));
const preview = await api.POST("/api/v1/workspaces/{workspace}/templates/{id}/preview", {
  params: { path: { workspace, id: template.data!.id } },
  body: { contact_id: "905321112233" },
});
assert.equal(preview.response.status, 200, JSON.stringify(preview.error));
assert.match(preview.data!.text, /^Sayın Ayşe Hanım, siparişiniz \d+ \S+ tarihinde hazır\.$/);
const broken = await api.POST("/api/v1/workspaces/{workspace}/templates", {
  params: ws,
  body: { name: "Bozuk", body: "Merhaba %olmayan%" },
});
assert.equal(broken.response.status, 422);
assert.equal(broken.error?.code, "invalid_template");

// A media upload (a 1×1 PNG).
const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const media = await api.POST("/api/v1/workspaces/{workspace}/media", {
  params: ws,
  body: { file: fileField(new File([png], "nokta.png", { type: "image/png" })) },
  bodySerializer: formData,
});
assert.equal(media.response.status, 201, JSON.stringify(media.error));
assert.equal(media.data!.kind, "image");

// A contact import, followed until it ends.
const csv = new File([readFileSync(new URL("contacts.csv", fixtures))], "contacts.csv");
const started = await api.POST("/api/v1/workspaces/{workspace}/contacts/imports", {
  params: ws,
  body: { file: fileField(csv), options: JSON.stringify({ tags: ["typescript"] }) },
  bodySerializer: formData,
});
assert.equal(started.response.status, 202, JSON.stringify(started.error));
let job = started.data!;
for (let i = 0; i < 200 && (job.status === "queued" || job.status === "running"); i++) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  const polled = await api.GET("/api/v1/workspaces/{workspace}/contacts/imports/{id}", {
    params: { path: { workspace, id: job.id } },
  });
  assert.equal(polled.response.status, 200);
  job = polled.data!;
}
assert.equal(job.status, "done", JSON.stringify(job));
assert.deepEqual(
  [job.counts.read, job.counts.created, job.counts.skipped, job.counts.failed],
  [6, 3, 1, 2],
);

const plugins = await api.GET("/api/v1/workspaces/{workspace}/plugins", { params: ws });
assert.equal(plugins.response.status, 200);
assert.ok(plugins.data!.items.some((p) => p.plugin.name === "csv-importer"));

console.log("typescript client scenario: ok");

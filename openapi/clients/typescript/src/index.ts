// The Ulak API client: `paths` and `components` are generated from openapi/openapi.json
// (`npm run generate`); requests go through openapi-fetch, so every path, parameter and body is
// type-checked against the spec.
import createClient from "openapi-fetch";
import type { paths } from "./schema";

export type { components, paths } from "./schema";

/** A client that authenticates with an API token (`POST /api/v1/tokens`). */
export function ulakClient(baseUrl: string, token: string) {
  return createClient<paths>({
    baseUrl,
    headers: { Authorization: `Bearer ${token}` },
  });
}

/**
 * Serialises a multipart body (uploads, imports) as FormData. Binary parts are given as `File`s
 * (the spec types them as strings): `fileField(new File([bytes], "a.png"))`.
 */
export function formData(body: object): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    form.append(name, value instanceof Blob ? value : String(value));
  }
  return form;
}

/** A `File` in the place of a binary part. */
export const fileField = (file: File) => file as unknown as string;

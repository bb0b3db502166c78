import { csrfHeaders } from './client';
import { ApiError, toApiError } from './errors';

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends a multipart form with XMLHttpRequest, whose upload events report progress (fetch has none).
 * `onProgress` gets a fraction 0..1. Resolves with the parsed JSON answer typed by the caller from
 * the schema, or rejects with the API's error.
 */
export function postFormWithProgress<T>(
  url: string,
  form: FormData,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    for (const [name, value] of Object.entries(csrfHeaders())) request.setRequestHeader(name, value);
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    request.addEventListener('load', () => {
      const body = parseJson(request.responseText);
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve(body as T);
      } else {
        reject(toApiError(request.status, body));
      }
    });
    request.addEventListener('error', () =>
      reject(new ApiError(0, { code: 'network_error', message: 'network error' })),
    );
    request.addEventListener('abort', () =>
      reject(new ApiError(0, { code: 'aborted', message: 'aborted' })),
    );
    signal?.addEventListener('abort', () => request.abort());
    request.send(form);
  });
}

/** A multipart POST through fetch (no progress needed), typed by the caller from the schema. */
export async function postForm<T>(url: string, form: FormData): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      body: form,
      headers: csrfHeaders(),
      credentials: 'same-origin',
    });
  } catch (cause) {
    throw new ApiError(0, {
      code: 'network_error',
      message: cause instanceof Error ? cause.message : String(cause),
    });
  }
  const body = parseJson(await response.text());
  if (!response.ok) throw toApiError(response.status, body);
  return body as T;
}

import type { Schemas } from './client';

type ErrorBody = Schemas['ErrorBody'];

/** An API refusal as `{code, message, details}`, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, body: ErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.details = body.details;
  }

  /** The request field the server blamed (`details.field`), if any. */
  get field(): string | undefined {
    const details = this.details;
    if (details && typeof details === 'object' && 'field' in details) {
      const field = (details as { field: unknown }).field;
      return typeof field === 'string' ? field : undefined;
    }
    return undefined;
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorBody).code === 'string' &&
    typeof (value as ErrorBody).message === 'string'
  );
}

export function toApiError(status: number, body: unknown): ApiError {
  if (isErrorBody(body)) return new ApiError(status, body);
  return new ApiError(status, { code: 'unexpected_response', message: `HTTP ${status}` });
}

type Result = { data?: unknown; error?: unknown; response: Response };

/** What a successful call returns (openapi-fetch types `data` as absent on the error branch). */
export type Data<R extends Result> = Exclude<R['data'], undefined>;

/** Awaits an openapi-fetch call and returns its data, or throws the API's error as an ApiError. */
export async function unwrap<R extends Result>(call: Promise<R>): Promise<Data<R>> {
  let result: R;
  try {
    result = await call;
  } catch (cause) {
    throw new ApiError(0, {
      code: 'network_error',
      message: cause instanceof Error ? cause.message : String(cause),
    });
  }
  if (result.error !== undefined || !result.response.ok) {
    throw toApiError(result.response.status, result.error);
  }
  return result.data as Data<R>;
}

/** The message to show for a field: the error's message when the server named that field. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError && error.field === field ? error.message : undefined;
}

/** The message to show next to an action: any error not already shown at one of `shownFields`. */
export function actionError(error: unknown, shownFields: readonly string[] = []): string | undefined {
  if (!error) return undefined;
  if (error instanceof ApiError) {
    if (error.field && shownFields.includes(error.field)) return undefined;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

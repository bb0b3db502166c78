from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.reset_request import ResetRequest
from typing import cast



def _get_kwargs(
    *,
    body: ResetRequest,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/password-reset",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ErrorBody | None:
    if response.status_code == 202:
        response_202 = cast(Any, None)
        return response_202

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())



        return response_400

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())



        return response_413

    if response.status_code == 415:
        response_415 = ErrorBody.from_dict(response.json())



        return response_415

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ResetRequest,

) -> Response[Any | ErrorBody]:
    """ Ask for a password-reset e-mail

     Mails a link to `/app/reset-password?token=…` that sets a new password once, within
    `mail.reset_valid_minutes` (60 by default). The answer is 202 whether or not the address has an
    account, and the mail leaves after it; at most 3 mails an hour go to one address. Without
    `[mail]` settings the answer is 409 `mail_not_configured`.

    Args:
        body (ResetRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    body: ResetRequest,

) -> Any | ErrorBody | None:
    """ Ask for a password-reset e-mail

     Mails a link to `/app/reset-password?token=…` that sets a new password once, within
    `mail.reset_valid_minutes` (60 by default). The answer is 202 whether or not the address has an
    account, and the mail leaves after it; at most 3 mails an hour go to one address. Without
    `[mail]` settings the answer is 409 `mail_not_configured`.

    Args:
        body (ResetRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ResetRequest,

) -> Response[Any | ErrorBody]:
    """ Ask for a password-reset e-mail

     Mails a link to `/app/reset-password?token=…` that sets a new password once, within
    `mail.reset_valid_minutes` (60 by default). The answer is 202 whether or not the address has an
    account, and the mail leaves after it; at most 3 mails an hour go to one address. Without
    `[mail]` settings the answer is 409 `mail_not_configured`.

    Args:
        body (ResetRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ResetRequest,

) -> Any | ErrorBody | None:
    """ Ask for a password-reset e-mail

     Mails a link to `/app/reset-password?token=…` that sets a new password once, within
    `mail.reset_valid_minutes` (60 by default). The answer is 202 whether or not the address has an
    account, and the mail leaves after it; at most 3 mails an hour go to one address. Without
    `[mail]` settings the answer is 409 `mail_not_configured`.

    Args:
        body (ResetRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed

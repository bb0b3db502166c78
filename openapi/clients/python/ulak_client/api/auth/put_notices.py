from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.notice_choices import NoticeChoices
from ...models.notices import Notices
from typing import cast



def _get_kwargs(
    *,
    body: NoticeChoices,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/auth/notices",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | Notices | None:
    if response.status_code == 200:
        response_200 = Notices.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())



        return response_403

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())



        return response_413

    if response.status_code == 415:
        response_415 = ErrorBody.from_dict(response.json())



        return response_415

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | Notices]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: NoticeChoices,

) -> Response[ErrorBody | Notices]:
    """ Choose your e-mail notices

     Replaces your choices. Choosing any notice on a server without `[mail]` settings is a 409
    `mail_not_configured`; switching all off always works.

    Args:
        body (NoticeChoices): The notices a user wants. Example: {'campaign_finished': True,
            'channel_disconnected': True, 'import_finished': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Notices]
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
    client: AuthenticatedClient,
    body: NoticeChoices,

) -> ErrorBody | Notices | None:
    """ Choose your e-mail notices

     Replaces your choices. Choosing any notice on a server without `[mail]` settings is a 409
    `mail_not_configured`; switching all off always works.

    Args:
        body (NoticeChoices): The notices a user wants. Example: {'campaign_finished': True,
            'channel_disconnected': True, 'import_finished': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Notices
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: NoticeChoices,

) -> Response[ErrorBody | Notices]:
    """ Choose your e-mail notices

     Replaces your choices. Choosing any notice on a server without `[mail]` settings is a 409
    `mail_not_configured`; switching all off always works.

    Args:
        body (NoticeChoices): The notices a user wants. Example: {'campaign_finished': True,
            'channel_disconnected': True, 'import_finished': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Notices]
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
    client: AuthenticatedClient,
    body: NoticeChoices,

) -> ErrorBody | Notices | None:
    """ Choose your e-mail notices

     Replaces your choices. Choosing any notice on a server without `[mail]` settings is a 409
    `mail_not_configured`; switching all off always works.

    Args:
        body (NoticeChoices): The notices a user wants. Example: {'campaign_finished': True,
            'channel_disconnected': True, 'import_finished': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Notices
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed

from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.notices import Notices
from typing import cast



def _get_kwargs(
    
) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/auth/notices",
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | Notices | None:
    if response.status_code == 200:
        response_200 = Notices.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())



        return response_403

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

) -> Response[ErrorBody | Notices]:
    """ Your e-mail notices

     Which notices this account gets by e-mail: a campaign finished (completed or cancelled), a
    channel disconnected, a contact import finished (completed or failed), in any of your
    workspaces where your role may read campaigns, channels or contacts. All are off until you
    choose them. `mail_configured` says whether this server sends e-mail at all.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Notices]
     """


    kwargs = _get_kwargs(
        
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,

) -> ErrorBody | Notices | None:
    """ Your e-mail notices

     Which notices this account gets by e-mail: a campaign finished (completed or cancelled), a
    channel disconnected, a contact import finished (completed or failed), in any of your
    workspaces where your role may read campaigns, channels or contacts. All are off until you
    choose them. `mail_configured` says whether this server sends e-mail at all.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Notices
     """


    return sync_detailed(
        client=client,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,

) -> Response[ErrorBody | Notices]:
    """ Your e-mail notices

     Which notices this account gets by e-mail: a campaign finished (completed or cancelled), a
    channel disconnected, a contact import finished (completed or failed), in any of your
    workspaces where your role may read campaigns, channels or contacts. All are off until you
    choose them. `mail_configured` says whether this server sends e-mail at all.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Notices]
     """


    kwargs = _get_kwargs(
        
    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,

) -> ErrorBody | Notices | None:
    """ Your e-mail notices

     Which notices this account gets by e-mail: a campaign finished (completed or cancelled), a
    channel disconnected, a contact import finished (completed or failed), in any of your
    workspaces where your role may read campaigns, channels or contacts. All are off until you
    choose them. `mail_configured` says whether this server sends e-mail at all.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Notices
     """


    return (await asyncio_detailed(
        client=client,

    )).parsed

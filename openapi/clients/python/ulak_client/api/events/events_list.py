from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.page_event import PageEvent
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    workspace: str,
    *,
    cursor: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    params["type"] = type_

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/workspaces/{workspace}/events".format(workspace=quote(str(workspace), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | PageEvent | None:
    if response.status_code == 200:
        response_200 = PageEvent.from_dict(response.json())



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

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())



        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | PageEvent]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    workspace: str,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> Response[ErrorBody | PageEvent]:
    """ List events

     The workspace's event log, oldest first, of the types the caller's role may read (message events
    need `messages:read`, contact and import events `contacts:read`, and so on). Events younger than
    `events.settle_ms` (1.5 s) appear a moment later, so a cursor never passes over one. Without
    `next_cursor` the log is read to its end: poll again later with the last event's id.

    Args:
        workspace (str):
        cursor (str | Unset):
        type_ (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageEvent]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
cursor=cursor,
type_=type_,
limit=limit,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    workspace: str,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> ErrorBody | PageEvent | None:
    """ List events

     The workspace's event log, oldest first, of the types the caller's role may read (message events
    need `messages:read`, contact and import events `contacts:read`, and so on). Events younger than
    `events.settle_ms` (1.5 s) appear a moment later, so a cursor never passes over one. Without
    `next_cursor` the log is read to its end: poll again later with the last event's id.

    Args:
        workspace (str):
        cursor (str | Unset):
        type_ (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageEvent
     """


    return sync_detailed(
        workspace=workspace,
client=client,
cursor=cursor,
type_=type_,
limit=limit,

    ).parsed

async def asyncio_detailed(
    workspace: str,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> Response[ErrorBody | PageEvent]:
    """ List events

     The workspace's event log, oldest first, of the types the caller's role may read (message events
    need `messages:read`, contact and import events `contacts:read`, and so on). Events younger than
    `events.settle_ms` (1.5 s) appear a moment later, so a cursor never passes over one. Without
    `next_cursor` the log is read to its end: poll again later with the last event's id.

    Args:
        workspace (str):
        cursor (str | Unset):
        type_ (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageEvent]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
cursor=cursor,
type_=type_,
limit=limit,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    workspace: str,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    type_: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> ErrorBody | PageEvent | None:
    """ List events

     The workspace's event log, oldest first, of the types the caller's role may read (message events
    need `messages:read`, contact and import events `contacts:read`, and so on). Events younger than
    `events.settle_ms` (1.5 s) appear a moment later, so a cursor never passes over one. Without
    `next_cursor` the log is read to its end: poll again later with the last event's id.

    Args:
        workspace (str):
        cursor (str | Unset):
        type_ (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageEvent
     """


    return (await asyncio_detailed(
        workspace=workspace,
client=client,
cursor=cursor,
type_=type_,
limit=limit,

    )).parsed

from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    workspace: str,
    *,
    type_: str | Unset = UNSET,
    after: str | Unset = UNSET,
    last_event_id: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(last_event_id, Unset):
        headers["Last-Event-ID"] = last_event_id



    

    params: dict[str, Any] = {}

    params["type"] = type_

    params["after"] = after


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/workspaces/{workspace}/events/stream".format(workspace=quote(str(workspace), safe=""),),
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | str | None:
    if response.status_code == 200:
        response_200 = response.text
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

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | str]:
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
    type_: str | Unset = UNSET,
    after: str | Unset = UNSET,
    last_event_id: None | str | Unset = UNSET,

) -> Response[ErrorBody | str]:
    """ Follow events live

     A server-sent event stream of the workspace's events (`id`, `event` = the type, `data` = the
    event as JSON), of the types the caller's role may read. Reconnecting with the `Last-Event-ID`
    header (browsers do it by themselves) resumes after that event without gaps or repeats. Without
    it, the stream starts with events from now on. A comment line every 15 s keeps proxies from
    closing a quiet stream; the caller's access is checked again every 30 s. A stream ends after 30
    minutes (reconnect to go on); a caller may have 10 open at once (429 beyond).

    Args:
        workspace (str):
        type_ (str | Unset):
        after (str | Unset):
        last_event_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | str]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
type_=type_,
after=after,
last_event_id=last_event_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    workspace: str,
    *,
    client: AuthenticatedClient,
    type_: str | Unset = UNSET,
    after: str | Unset = UNSET,
    last_event_id: None | str | Unset = UNSET,

) -> ErrorBody | str | None:
    """ Follow events live

     A server-sent event stream of the workspace's events (`id`, `event` = the type, `data` = the
    event as JSON), of the types the caller's role may read. Reconnecting with the `Last-Event-ID`
    header (browsers do it by themselves) resumes after that event without gaps or repeats. Without
    it, the stream starts with events from now on. A comment line every 15 s keeps proxies from
    closing a quiet stream; the caller's access is checked again every 30 s. A stream ends after 30
    minutes (reconnect to go on); a caller may have 10 open at once (429 beyond).

    Args:
        workspace (str):
        type_ (str | Unset):
        after (str | Unset):
        last_event_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | str
     """


    return sync_detailed(
        workspace=workspace,
client=client,
type_=type_,
after=after,
last_event_id=last_event_id,

    ).parsed

async def asyncio_detailed(
    workspace: str,
    *,
    client: AuthenticatedClient,
    type_: str | Unset = UNSET,
    after: str | Unset = UNSET,
    last_event_id: None | str | Unset = UNSET,

) -> Response[ErrorBody | str]:
    """ Follow events live

     A server-sent event stream of the workspace's events (`id`, `event` = the type, `data` = the
    event as JSON), of the types the caller's role may read. Reconnecting with the `Last-Event-ID`
    header (browsers do it by themselves) resumes after that event without gaps or repeats. Without
    it, the stream starts with events from now on. A comment line every 15 s keeps proxies from
    closing a quiet stream; the caller's access is checked again every 30 s. A stream ends after 30
    minutes (reconnect to go on); a caller may have 10 open at once (429 beyond).

    Args:
        workspace (str):
        type_ (str | Unset):
        after (str | Unset):
        last_event_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | str]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
type_=type_,
after=after,
last_event_id=last_event_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    workspace: str,
    *,
    client: AuthenticatedClient,
    type_: str | Unset = UNSET,
    after: str | Unset = UNSET,
    last_event_id: None | str | Unset = UNSET,

) -> ErrorBody | str | None:
    """ Follow events live

     A server-sent event stream of the workspace's events (`id`, `event` = the type, `data` = the
    event as JSON), of the types the caller's role may read. Reconnecting with the `Last-Event-ID`
    header (browsers do it by themselves) resumes after that event without gaps or repeats. Without
    it, the stream starts with events from now on. A comment line every 15 s keeps proxies from
    closing a quiet stream; the caller's access is checked again every 30 s. A stream ends after 30
    minutes (reconnect to go on); a caller may have 10 open at once (429 beyond).

    Args:
        workspace (str):
        type_ (str | Unset):
        after (str | Unset):
        last_event_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | str
     """


    return (await asyncio_detailed(
        workspace=workspace,
client=client,
type_=type_,
after=after,
last_event_id=last_event_id,

    )).parsed

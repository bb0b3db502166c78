from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.page_contact import PageContact
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    workspace: str,
    *,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    search: str | Unset = UNSET,
    tag: str | Unset = UNSET,
    opted_out: bool | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["cursor"] = cursor

    params["search"] = search

    params["tag"] = tag

    params["opted_out"] = opted_out


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/workspaces/{workspace}/contacts".format(workspace=quote(str(workspace), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | PageContact | None:
    if response.status_code == 200:
        response_200 = PageContact.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | PageContact]:
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
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    search: str | Unset = UNSET,
    tag: str | Unset = UNSET,
    opted_out: bool | Unset = UNSET,

) -> Response[ErrorBody | PageContact]:
    """ List contacts

     By phone without filters; with filters, in the contact index's order (by the matching word for
    a search, then by when the contacts were indexed, then by phone). A page can hold fewer items
    than `limit` while `next_cursor` is set: a request reads at most 20,000 index entries.

    Args:
        workspace (str):
        limit (int | Unset):
        cursor (str | Unset):
        search (str | Unset):
        tag (str | Unset):
        opted_out (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageContact]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
limit=limit,
cursor=cursor,
search=search,
tag=tag,
opted_out=opted_out,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    workspace: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    search: str | Unset = UNSET,
    tag: str | Unset = UNSET,
    opted_out: bool | Unset = UNSET,

) -> ErrorBody | PageContact | None:
    """ List contacts

     By phone without filters; with filters, in the contact index's order (by the matching word for
    a search, then by when the contacts were indexed, then by phone). A page can hold fewer items
    than `limit` while `next_cursor` is set: a request reads at most 20,000 index entries.

    Args:
        workspace (str):
        limit (int | Unset):
        cursor (str | Unset):
        search (str | Unset):
        tag (str | Unset):
        opted_out (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageContact
     """


    return sync_detailed(
        workspace=workspace,
client=client,
limit=limit,
cursor=cursor,
search=search,
tag=tag,
opted_out=opted_out,

    ).parsed

async def asyncio_detailed(
    workspace: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    search: str | Unset = UNSET,
    tag: str | Unset = UNSET,
    opted_out: bool | Unset = UNSET,

) -> Response[ErrorBody | PageContact]:
    """ List contacts

     By phone without filters; with filters, in the contact index's order (by the matching word for
    a search, then by when the contacts were indexed, then by phone). A page can hold fewer items
    than `limit` while `next_cursor` is set: a request reads at most 20,000 index entries.

    Args:
        workspace (str):
        limit (int | Unset):
        cursor (str | Unset):
        search (str | Unset):
        tag (str | Unset):
        opted_out (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageContact]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
limit=limit,
cursor=cursor,
search=search,
tag=tag,
opted_out=opted_out,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    workspace: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    search: str | Unset = UNSET,
    tag: str | Unset = UNSET,
    opted_out: bool | Unset = UNSET,

) -> ErrorBody | PageContact | None:
    """ List contacts

     By phone without filters; with filters, in the contact index's order (by the matching word for
    a search, then by when the contacts were indexed, then by phone). A page can hold fewer items
    than `limit` while `next_cursor` is set: a request reads at most 20,000 index entries.

    Args:
        workspace (str):
        limit (int | Unset):
        cursor (str | Unset):
        search (str | Unset):
        tag (str | Unset):
        opted_out (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageContact
     """


    return (await asyncio_detailed(
        workspace=workspace,
client=client,
limit=limit,
cursor=cursor,
search=search,
tag=tag,
opted_out=opted_out,

    )).parsed

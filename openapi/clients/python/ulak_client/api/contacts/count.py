from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.contact_count import ContactCount
from ...models.error_body import ErrorBody
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
        "url": "/api/v1/workspaces/{workspace}/contacts/count".format(workspace=quote(str(workspace), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ContactCount | ErrorBody | None:
    if response.status_code == 200:
        response_200 = ContactCount.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ContactCount | ErrorBody]:
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

) -> Response[ContactCount | ErrorBody]:
    """ Count contacts

     Takes the list's filters (`search`, `tag`, `opted_out`, `custom.<field>`).

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
        Response[ContactCount | ErrorBody]
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

) -> ContactCount | ErrorBody | None:
    """ Count contacts

     Takes the list's filters (`search`, `tag`, `opted_out`, `custom.<field>`).

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
        ContactCount | ErrorBody
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

) -> Response[ContactCount | ErrorBody]:
    """ Count contacts

     Takes the list's filters (`search`, `tag`, `opted_out`, `custom.<field>`).

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
        Response[ContactCount | ErrorBody]
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

) -> ContactCount | ErrorBody | None:
    """ Count contacts

     Takes the list's filters (`search`, `tag`, `opted_out`, `custom.<field>`).

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
        ContactCount | ErrorBody
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

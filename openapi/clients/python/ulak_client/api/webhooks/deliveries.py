from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.page_delivery import PageDelivery
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    workspace: str,
    id: str,
    *,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    state: str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["cursor"] = cursor

    params["state"] = state


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/workspaces/{workspace}/webhooks/{id}/deliveries".format(workspace=quote(str(workspace), safe=""),id=quote(str(id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | PageDelivery | None:
    if response.status_code == 200:
        response_200 = PageDelivery.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | PageDelivery]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    workspace: str,
    id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    state: str | Unset = UNSET,

) -> Response[ErrorBody | PageDelivery]:
    """ List a webhook's deliveries

     Oldest first, each with its attempts (status code, latency, the start of the answer).

    Args:
        workspace (str):
        id (str):
        limit (int | Unset):
        cursor (str | Unset):
        state (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageDelivery]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
id=id,
limit=limit,
cursor=cursor,
state=state,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    workspace: str,
    id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    state: str | Unset = UNSET,

) -> ErrorBody | PageDelivery | None:
    """ List a webhook's deliveries

     Oldest first, each with its attempts (status code, latency, the start of the answer).

    Args:
        workspace (str):
        id (str):
        limit (int | Unset):
        cursor (str | Unset):
        state (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageDelivery
     """


    return sync_detailed(
        workspace=workspace,
id=id,
client=client,
limit=limit,
cursor=cursor,
state=state,

    ).parsed

async def asyncio_detailed(
    workspace: str,
    id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    state: str | Unset = UNSET,

) -> Response[ErrorBody | PageDelivery]:
    """ List a webhook's deliveries

     Oldest first, each with its attempts (status code, latency, the start of the answer).

    Args:
        workspace (str):
        id (str):
        limit (int | Unset):
        cursor (str | Unset):
        state (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageDelivery]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
id=id,
limit=limit,
cursor=cursor,
state=state,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    workspace: str,
    id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    state: str | Unset = UNSET,

) -> ErrorBody | PageDelivery | None:
    """ List a webhook's deliveries

     Oldest first, each with its attempts (status code, latency, the start of the answer).

    Args:
        workspace (str):
        id (str):
        limit (int | Unset):
        cursor (str | Unset):
        state (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageDelivery
     """


    return (await asyncio_detailed(
        workspace=workspace,
id=id,
client=client,
limit=limit,
cursor=cursor,
state=state,

    )).parsed

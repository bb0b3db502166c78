from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.delivery import Delivery
from ...models.error_body import ErrorBody
from typing import cast



def _get_kwargs(
    workspace: str,
    id: str,
    delivery: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/workspaces/{workspace}/webhooks/{id}/deliveries/{delivery}/redeliver".format(workspace=quote(str(workspace), safe=""),id=quote(str(id), safe=""),delivery=quote(str(delivery), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Delivery | ErrorBody | None:
    if response.status_code == 200:
        response_200 = Delivery.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())



        return response_409

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Delivery | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    workspace: str,
    id: str,
    delivery: str,
    *,
    client: AuthenticatedClient,

) -> Response[Delivery | ErrorBody]:
    """ Deliver again

     One attempt now, whatever the delivery's state, answered with the delivery and the attempt's
    outcome. A delivered one is not delivered again by itself; a dead letter that now succeeds is
    delivered.

    Args:
        workspace (str):
        id (str):
        delivery (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Delivery | ErrorBody]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
id=id,
delivery=delivery,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    workspace: str,
    id: str,
    delivery: str,
    *,
    client: AuthenticatedClient,

) -> Delivery | ErrorBody | None:
    """ Deliver again

     One attempt now, whatever the delivery's state, answered with the delivery and the attempt's
    outcome. A delivered one is not delivered again by itself; a dead letter that now succeeds is
    delivered.

    Args:
        workspace (str):
        id (str):
        delivery (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Delivery | ErrorBody
     """


    return sync_detailed(
        workspace=workspace,
id=id,
delivery=delivery,
client=client,

    ).parsed

async def asyncio_detailed(
    workspace: str,
    id: str,
    delivery: str,
    *,
    client: AuthenticatedClient,

) -> Response[Delivery | ErrorBody]:
    """ Deliver again

     One attempt now, whatever the delivery's state, answered with the delivery and the attempt's
    outcome. A delivered one is not delivered again by itself; a dead letter that now succeeds is
    delivered.

    Args:
        workspace (str):
        id (str):
        delivery (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Delivery | ErrorBody]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
id=id,
delivery=delivery,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    workspace: str,
    id: str,
    delivery: str,
    *,
    client: AuthenticatedClient,

) -> Delivery | ErrorBody | None:
    """ Deliver again

     One attempt now, whatever the delivery's state, answered with the delivery and the attempt's
    outcome. A delivered one is not delivered again by itself; a dead letter that now succeeds is
    delivered.

    Args:
        workspace (str):
        id (str):
        delivery (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Delivery | ErrorBody
     """


    return (await asyncio_detailed(
        workspace=workspace,
id=id,
delivery=delivery,
client=client,

    )).parsed

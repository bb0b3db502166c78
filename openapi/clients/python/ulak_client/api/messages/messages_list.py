from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.direction import Direction
from ...models.error_body import ErrorBody
from ...models.page_message import PageMessage
from ...models.status import Status
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    workspace: str,
    *,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    contact: str | Unset = UNSET,
    campaign: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    status: Status | Unset = UNSET,
    direction: Direction | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["cursor"] = cursor

    params["contact"] = contact

    params["campaign"] = campaign

    params["channel"] = channel

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    json_direction: str | Unset = UNSET
    if not isinstance(direction, Unset):
        json_direction = direction.value

    params["direction"] = json_direction


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/workspaces/{workspace}/messages".format(workspace=quote(str(workspace), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | PageMessage | None:
    if response.status_code == 200:
        response_200 = PageMessage.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | PageMessage]:
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
    contact: str | Unset = UNSET,
    campaign: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    status: Status | Unset = UNSET,
    direction: Direction | Unset = UNSET,

) -> Response[ErrorBody | PageMessage]:
    """ List messages

     The message log, filtered by contact, campaign, channel, status and direction, in pages; each
    message with its status history.

    Args:
        workspace (str):
        limit (int | Unset):
        cursor (str | Unset):
        contact (str | Unset):
        campaign (str | Unset):
        channel (str | Unset):
        status (Status | Unset):
        direction (Direction | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageMessage]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
limit=limit,
cursor=cursor,
contact=contact,
campaign=campaign,
channel=channel,
status=status,
direction=direction,

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
    contact: str | Unset = UNSET,
    campaign: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    status: Status | Unset = UNSET,
    direction: Direction | Unset = UNSET,

) -> ErrorBody | PageMessage | None:
    """ List messages

     The message log, filtered by contact, campaign, channel, status and direction, in pages; each
    message with its status history.

    Args:
        workspace (str):
        limit (int | Unset):
        cursor (str | Unset):
        contact (str | Unset):
        campaign (str | Unset):
        channel (str | Unset):
        status (Status | Unset):
        direction (Direction | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageMessage
     """


    return sync_detailed(
        workspace=workspace,
client=client,
limit=limit,
cursor=cursor,
contact=contact,
campaign=campaign,
channel=channel,
status=status,
direction=direction,

    ).parsed

async def asyncio_detailed(
    workspace: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
    contact: str | Unset = UNSET,
    campaign: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    status: Status | Unset = UNSET,
    direction: Direction | Unset = UNSET,

) -> Response[ErrorBody | PageMessage]:
    """ List messages

     The message log, filtered by contact, campaign, channel, status and direction, in pages; each
    message with its status history.

    Args:
        workspace (str):
        limit (int | Unset):
        cursor (str | Unset):
        contact (str | Unset):
        campaign (str | Unset):
        channel (str | Unset):
        status (Status | Unset):
        direction (Direction | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageMessage]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
limit=limit,
cursor=cursor,
contact=contact,
campaign=campaign,
channel=channel,
status=status,
direction=direction,

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
    contact: str | Unset = UNSET,
    campaign: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    status: Status | Unset = UNSET,
    direction: Direction | Unset = UNSET,

) -> ErrorBody | PageMessage | None:
    """ List messages

     The message log, filtered by contact, campaign, channel, status and direction, in pages; each
    message with its status history.

    Args:
        workspace (str):
        limit (int | Unset):
        cursor (str | Unset):
        contact (str | Unset):
        campaign (str | Unset):
        channel (str | Unset):
        status (Status | Unset):
        direction (Direction | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageMessage
     """


    return (await asyncio_detailed(
        workspace=workspace,
client=client,
limit=limit,
cursor=cursor,
contact=contact,
campaign=campaign,
channel=channel,
status=status,
direction=direction,

    )).parsed

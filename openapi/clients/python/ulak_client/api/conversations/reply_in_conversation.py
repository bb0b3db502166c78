from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.message import Message
from ...models.reply import Reply
from typing import cast



def _get_kwargs(
    workspace: str,
    contact: str,
    *,
    body: Reply,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/workspaces/{workspace}/conversations/{contact}/messages".format(workspace=quote(str(workspace), safe=""),contact=quote(str(contact), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | Message | None:
    if response.status_code == 202:
        response_202 = Message.from_dict(response.json())



        return response_202

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

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())



        return response_413

    if response.status_code == 415:
        response_415 = ErrorBody.from_dict(response.json())



        return response_415

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())



        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | Message]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    workspace: str,
    contact: str,
    *,
    client: AuthenticatedClient,
    body: Reply,

) -> Response[ErrorBody | Message]:
    """ Reply in a conversation

     Sends a message to the contact on the conversation's channel (or the one given).

    Args:
        workspace (str):
        contact (str):
        body (Reply):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Message]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
contact=contact,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    workspace: str,
    contact: str,
    *,
    client: AuthenticatedClient,
    body: Reply,

) -> ErrorBody | Message | None:
    """ Reply in a conversation

     Sends a message to the contact on the conversation's channel (or the one given).

    Args:
        workspace (str):
        contact (str):
        body (Reply):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Message
     """


    return sync_detailed(
        workspace=workspace,
contact=contact,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    workspace: str,
    contact: str,
    *,
    client: AuthenticatedClient,
    body: Reply,

) -> Response[ErrorBody | Message]:
    """ Reply in a conversation

     Sends a message to the contact on the conversation's channel (or the one given).

    Args:
        workspace (str):
        contact (str):
        body (Reply):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Message]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
contact=contact,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    workspace: str,
    contact: str,
    *,
    client: AuthenticatedClient,
    body: Reply,

) -> ErrorBody | Message | None:
    """ Reply in a conversation

     Sends a message to the contact on the conversation's channel (or the one given).

    Args:
        workspace (str):
        contact (str):
        body (Reply):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Message
     """


    return (await asyncio_detailed(
        workspace=workspace,
contact=contact,
client=client,
body=body,

    )).parsed

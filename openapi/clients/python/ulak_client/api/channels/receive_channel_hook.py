from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.hook_result import HookResult
from ...models.receive_channel_hook_body import ReceiveChannelHookBody
from typing import cast



def _get_kwargs(
    channel: str,
    *,
    body: ReceiveChannelHookBody,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/hooks/channels/{channel}".format(channel=quote(str(channel), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | HookResult | None:
    if response.status_code == 200:
        response_200 = HookResult.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())



        return response_401

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

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | HookResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    channel: str,
    *,
    client: AuthenticatedClient | Client,
    body: ReceiveChannelHookBody,

) -> Response[ErrorBody | HookResult]:
    """ Receive a provider's webhook

     For `plugin` channels: the channel's transport plugin checks the request (for `http-webhook`,
    `X-Ulak-Timestamp` and `X-Ulak-Signature`) and reads its inbound messages and delivery reports.
    For `whatsapp_cloud` channels: `X-Hub-Signature-256` must be the HMAC-SHA256 of the raw body
    with the app secret; then Meta's `messages` changes for the channel's number are read. No
    credentials: the verification is the authentication.

    Args:
        channel (str):
        body (ReceiveChannelHookBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HookResult]
     """


    kwargs = _get_kwargs(
        channel=channel,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    channel: str,
    *,
    client: AuthenticatedClient | Client,
    body: ReceiveChannelHookBody,

) -> ErrorBody | HookResult | None:
    """ Receive a provider's webhook

     For `plugin` channels: the channel's transport plugin checks the request (for `http-webhook`,
    `X-Ulak-Timestamp` and `X-Ulak-Signature`) and reads its inbound messages and delivery reports.
    For `whatsapp_cloud` channels: `X-Hub-Signature-256` must be the HMAC-SHA256 of the raw body
    with the app secret; then Meta's `messages` changes for the channel's number are read. No
    credentials: the verification is the authentication.

    Args:
        channel (str):
        body (ReceiveChannelHookBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HookResult
     """


    return sync_detailed(
        channel=channel,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    channel: str,
    *,
    client: AuthenticatedClient | Client,
    body: ReceiveChannelHookBody,

) -> Response[ErrorBody | HookResult]:
    """ Receive a provider's webhook

     For `plugin` channels: the channel's transport plugin checks the request (for `http-webhook`,
    `X-Ulak-Timestamp` and `X-Ulak-Signature`) and reads its inbound messages and delivery reports.
    For `whatsapp_cloud` channels: `X-Hub-Signature-256` must be the HMAC-SHA256 of the raw body
    with the app secret; then Meta's `messages` changes for the channel's number are read. No
    credentials: the verification is the authentication.

    Args:
        channel (str):
        body (ReceiveChannelHookBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HookResult]
     """


    kwargs = _get_kwargs(
        channel=channel,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    channel: str,
    *,
    client: AuthenticatedClient | Client,
    body: ReceiveChannelHookBody,

) -> ErrorBody | HookResult | None:
    """ Receive a provider's webhook

     For `plugin` channels: the channel's transport plugin checks the request (for `http-webhook`,
    `X-Ulak-Timestamp` and `X-Ulak-Signature`) and reads its inbound messages and delivery reports.
    For `whatsapp_cloud` channels: `X-Hub-Signature-256` must be the HMAC-SHA256 of the raw body
    with the app secret; then Meta's `messages` changes for the channel's number are read. No
    credentials: the verification is the authentication.

    Args:
        channel (str):
        body (ReceiveChannelHookBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HookResult
     """


    return (await asyncio_detailed(
        channel=channel,
client=client,
body=body,

    )).parsed

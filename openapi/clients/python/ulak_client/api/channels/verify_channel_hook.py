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
    channel: str,
    *,
    hub_mode: str | Unset = UNSET,
    hub_verify_token: str | Unset = UNSET,
    hub_challenge: str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["hub.mode"] = hub_mode

    params["hub.verify_token"] = hub_verify_token

    params["hub.challenge"] = hub_challenge


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/hooks/channels/{channel}".format(channel=quote(str(channel), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | str | None:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())



        return response_400

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
    channel: str,
    *,
    client: AuthenticatedClient | Client,
    hub_mode: str | Unset = UNSET,
    hub_verify_token: str | Unset = UNSET,
    hub_challenge: str | Unset = UNSET,

) -> Response[ErrorBody | str]:
    """ Verify a provider's webhook subscription

     For `whatsapp_cloud` channels: Meta's verification request when the webhook is set up in the
    app's dashboard. Echoes `hub.challenge` when `hub.mode` is `subscribe` and `hub.verify_token`
    is the channel's verify token; 403 otherwise.

    Args:
        channel (str):
        hub_mode (str | Unset):
        hub_verify_token (str | Unset):
        hub_challenge (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | str]
     """


    kwargs = _get_kwargs(
        channel=channel,
hub_mode=hub_mode,
hub_verify_token=hub_verify_token,
hub_challenge=hub_challenge,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    channel: str,
    *,
    client: AuthenticatedClient | Client,
    hub_mode: str | Unset = UNSET,
    hub_verify_token: str | Unset = UNSET,
    hub_challenge: str | Unset = UNSET,

) -> ErrorBody | str | None:
    """ Verify a provider's webhook subscription

     For `whatsapp_cloud` channels: Meta's verification request when the webhook is set up in the
    app's dashboard. Echoes `hub.challenge` when `hub.mode` is `subscribe` and `hub.verify_token`
    is the channel's verify token; 403 otherwise.

    Args:
        channel (str):
        hub_mode (str | Unset):
        hub_verify_token (str | Unset):
        hub_challenge (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | str
     """


    return sync_detailed(
        channel=channel,
client=client,
hub_mode=hub_mode,
hub_verify_token=hub_verify_token,
hub_challenge=hub_challenge,

    ).parsed

async def asyncio_detailed(
    channel: str,
    *,
    client: AuthenticatedClient | Client,
    hub_mode: str | Unset = UNSET,
    hub_verify_token: str | Unset = UNSET,
    hub_challenge: str | Unset = UNSET,

) -> Response[ErrorBody | str]:
    """ Verify a provider's webhook subscription

     For `whatsapp_cloud` channels: Meta's verification request when the webhook is set up in the
    app's dashboard. Echoes `hub.challenge` when `hub.mode` is `subscribe` and `hub.verify_token`
    is the channel's verify token; 403 otherwise.

    Args:
        channel (str):
        hub_mode (str | Unset):
        hub_verify_token (str | Unset):
        hub_challenge (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | str]
     """


    kwargs = _get_kwargs(
        channel=channel,
hub_mode=hub_mode,
hub_verify_token=hub_verify_token,
hub_challenge=hub_challenge,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    channel: str,
    *,
    client: AuthenticatedClient | Client,
    hub_mode: str | Unset = UNSET,
    hub_verify_token: str | Unset = UNSET,
    hub_challenge: str | Unset = UNSET,

) -> ErrorBody | str | None:
    """ Verify a provider's webhook subscription

     For `whatsapp_cloud` channels: Meta's verification request when the webhook is set up in the
    app's dashboard. Echoes `hub.challenge` when `hub.mode` is `subscribe` and `hub.verify_token`
    is the channel's verify token; 403 otherwise.

    Args:
        channel (str):
        hub_mode (str | Unset):
        hub_verify_token (str | Unset):
        hub_challenge (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | str
     """


    return (await asyncio_detailed(
        channel=channel,
client=client,
hub_mode=hub_mode,
hub_verify_token=hub_verify_token,
hub_challenge=hub_challenge,

    )).parsed

from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.pairing_code import PairingCode
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    workspace: str,
    id: str,
    *,
    format_: str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["format"] = format_


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/workspaces/{workspace}/channels/{id}/qr".format(workspace=quote(str(workspace), safe=""),id=quote(str(id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | PairingCode | None:
    if response.status_code == 200:
        response_200 = PairingCode.from_dict(response.json())



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

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())



        return response_409

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | PairingCode]:
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
    format_: str | Unset = UNSET,

) -> Response[ErrorBody | PairingCode]:
    """ Show the pairing QR code

     The QR code a phone scans (WhatsApp → Linked devices → Link a device) while the channel is
    `pairing`. It rotates (first after 60 s, then every 20 s); each new one is also a
    `channel.pairing` event. As text (`format=json`), or drawn as `svg` or `png`.

    Args:
        workspace (str):
        id (str):
        format_ (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PairingCode]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
id=id,
format_=format_,

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
    format_: str | Unset = UNSET,

) -> ErrorBody | PairingCode | None:
    """ Show the pairing QR code

     The QR code a phone scans (WhatsApp → Linked devices → Link a device) while the channel is
    `pairing`. It rotates (first after 60 s, then every 20 s); each new one is also a
    `channel.pairing` event. As text (`format=json`), or drawn as `svg` or `png`.

    Args:
        workspace (str):
        id (str):
        format_ (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PairingCode
     """


    return sync_detailed(
        workspace=workspace,
id=id,
client=client,
format_=format_,

    ).parsed

async def asyncio_detailed(
    workspace: str,
    id: str,
    *,
    client: AuthenticatedClient,
    format_: str | Unset = UNSET,

) -> Response[ErrorBody | PairingCode]:
    """ Show the pairing QR code

     The QR code a phone scans (WhatsApp → Linked devices → Link a device) while the channel is
    `pairing`. It rotates (first after 60 s, then every 20 s); each new one is also a
    `channel.pairing` event. As text (`format=json`), or drawn as `svg` or `png`.

    Args:
        workspace (str):
        id (str):
        format_ (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PairingCode]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
id=id,
format_=format_,

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
    format_: str | Unset = UNSET,

) -> ErrorBody | PairingCode | None:
    """ Show the pairing QR code

     The QR code a phone scans (WhatsApp → Linked devices → Link a device) while the channel is
    `pairing`. It rotates (first after 60 s, then every 20 s); each new one is also a
    `channel.pairing` event. As text (`format=json`), or drawn as `svg` or `png`.

    Args:
        workspace (str):
        id (str):
        format_ (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PairingCode
     """


    return (await asyncio_detailed(
        workspace=workspace,
id=id,
client=client,
format_=format_,

    )).parsed

from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.message import Message
from ...models.send_request import SendRequest
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    workspace: str,
    *,
    body: SendRequest,
    idempotency_key: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/workspaces/{workspace}/messages".format(workspace=quote(str(workspace), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | Message | None:
    if response.status_code == 200:
        response_200 = Message.from_dict(response.json())



        return response_200

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
    *,
    client: AuthenticatedClient,
    body: SendRequest,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[ErrorBody | Message]:
    """ Send a message

     One message now, through the channel's outbox ahead of campaign traffic: to a contact (by id or
    phone; an unknown phone becomes a contact) or an e-mail address, from a template with variable
    overrides or plain text. With an `Idempotency-Key` header, repeating the request returns the
    first message (200) instead of sending a second.

    Args:
        workspace (str):
        idempotency_key (None | str | Unset):
        body (SendRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Message]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    workspace: str,
    *,
    client: AuthenticatedClient,
    body: SendRequest,
    idempotency_key: None | str | Unset = UNSET,

) -> ErrorBody | Message | None:
    """ Send a message

     One message now, through the channel's outbox ahead of campaign traffic: to a contact (by id or
    phone; an unknown phone becomes a contact) or an e-mail address, from a template with variable
    overrides or plain text. With an `Idempotency-Key` header, repeating the request returns the
    first message (200) instead of sending a second.

    Args:
        workspace (str):
        idempotency_key (None | str | Unset):
        body (SendRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Message
     """


    return sync_detailed(
        workspace=workspace,
client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    workspace: str,
    *,
    client: AuthenticatedClient,
    body: SendRequest,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[ErrorBody | Message]:
    """ Send a message

     One message now, through the channel's outbox ahead of campaign traffic: to a contact (by id or
    phone; an unknown phone becomes a contact) or an e-mail address, from a template with variable
    overrides or plain text. With an `Idempotency-Key` header, repeating the request returns the
    first message (200) instead of sending a second.

    Args:
        workspace (str):
        idempotency_key (None | str | Unset):
        body (SendRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Message]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    workspace: str,
    *,
    client: AuthenticatedClient,
    body: SendRequest,
    idempotency_key: None | str | Unset = UNSET,

) -> ErrorBody | Message | None:
    """ Send a message

     One message now, through the channel's outbox ahead of campaign traffic: to a contact (by id or
    phone; an unknown phone becomes a contact) or an e-mail address, from a template with variable
    overrides or plain text. With an `Idempotency-Key` header, repeating the request returns the
    first message (200) instead of sending a second.

    Args:
        workspace (str):
        idempotency_key (None | str | Unset):
        body (SendRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Message
     """


    return (await asyncio_detailed(
        workspace=workspace,
client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed

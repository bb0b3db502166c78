from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.install_form import InstallForm
from ...models.installed import Installed
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: InstallForm,
    force: bool | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    params: dict[str, Any] = {}

    params["force"] = force


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/plugins",
        "params": params,
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | Installed | None:
    if response.status_code == 200:
        response_200 = Installed.from_dict(response.json())



        return response_200

    if response.status_code == 201:
        response_201 = Installed.from_dict(response.json())



        return response_201

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())



        return response_403

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())



        return response_409

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | Installed]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: InstallForm,
    force: bool | Unset = UNSET,

) -> Response[ErrorBody | Installed]:
    """ Install or upgrade a plugin

     Multipart with parts `manifest` (plugin.toml) and `component` (the .wasm). A plugin of the same
    name is replaced by a higher version without a restart: calls under way finish on the old
    version. A lower version, or the same version with other bytes, needs `force=true`. A resolver
    may not take a built-in placeholder's name or one another plugin provides. Superadmin only.

    Args:
        force (bool | Unset):
        body (InstallForm): The multipart body of an install (for the OpenAPI document).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Installed]
     """


    kwargs = _get_kwargs(
        body=body,
force=force,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: InstallForm,
    force: bool | Unset = UNSET,

) -> ErrorBody | Installed | None:
    """ Install or upgrade a plugin

     Multipart with parts `manifest` (plugin.toml) and `component` (the .wasm). A plugin of the same
    name is replaced by a higher version without a restart: calls under way finish on the old
    version. A lower version, or the same version with other bytes, needs `force=true`. A resolver
    may not take a built-in placeholder's name or one another plugin provides. Superadmin only.

    Args:
        force (bool | Unset):
        body (InstallForm): The multipart body of an install (for the OpenAPI document).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Installed
     """


    return sync_detailed(
        client=client,
body=body,
force=force,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: InstallForm,
    force: bool | Unset = UNSET,

) -> Response[ErrorBody | Installed]:
    """ Install or upgrade a plugin

     Multipart with parts `manifest` (plugin.toml) and `component` (the .wasm). A plugin of the same
    name is replaced by a higher version without a restart: calls under way finish on the old
    version. A lower version, or the same version with other bytes, needs `force=true`. A resolver
    may not take a built-in placeholder's name or one another plugin provides. Superadmin only.

    Args:
        force (bool | Unset):
        body (InstallForm): The multipart body of an install (for the OpenAPI document).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Installed]
     """


    kwargs = _get_kwargs(
        body=body,
force=force,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: InstallForm,
    force: bool | Unset = UNSET,

) -> ErrorBody | Installed | None:
    """ Install or upgrade a plugin

     Multipart with parts `manifest` (plugin.toml) and `component` (the .wasm). A plugin of the same
    name is replaced by a higher version without a restart: calls under way finish on the old
    version. A lower version, or the same version with other bytes, needs `force=true`. A resolver
    may not take a built-in placeholder's name or one another plugin provides. Superadmin only.

    Args:
        force (bool | Unset):
        body (InstallForm): The multipart body of an install (for the OpenAPI document).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Installed
     """


    return (await asyncio_detailed(
        client=client,
body=body,
force=force,

    )).parsed

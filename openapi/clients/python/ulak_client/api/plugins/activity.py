from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.plugin_log import PluginLog
from typing import cast



def _get_kwargs(
    workspace: str,
    name: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/workspaces/{workspace}/plugins/{name}/log".format(workspace=quote(str(workspace), safe=""),name=quote(str(name), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | PluginLog | None:
    if response.status_code == 200:
        response_200 = PluginLog.from_dict(response.json())



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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | PluginLog]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    workspace: str,
    name: str,
    *,
    client: AuthenticatedClient,

) -> Response[ErrorBody | PluginLog]:
    """ A plugin's recent activity in a workspace

     Its last 50 `log` lines of level info and above in this workspace (each at most 500 bytes, the
    workspace's secret settings shown as `********`), how many calls
    returned and failed, how many contacts a resolver answered with an error, and the last error
    with its reason. Kept in memory since this server started (with several servers, each answers
    for its own calls). Needs `plugins:write`: lines can hold contact data.

    Args:
        workspace (str):
        name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PluginLog]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
name=name,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    workspace: str,
    name: str,
    *,
    client: AuthenticatedClient,

) -> ErrorBody | PluginLog | None:
    """ A plugin's recent activity in a workspace

     Its last 50 `log` lines of level info and above in this workspace (each at most 500 bytes, the
    workspace's secret settings shown as `********`), how many calls
    returned and failed, how many contacts a resolver answered with an error, and the last error
    with its reason. Kept in memory since this server started (with several servers, each answers
    for its own calls). Needs `plugins:write`: lines can hold contact data.

    Args:
        workspace (str):
        name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PluginLog
     """


    return sync_detailed(
        workspace=workspace,
name=name,
client=client,

    ).parsed

async def asyncio_detailed(
    workspace: str,
    name: str,
    *,
    client: AuthenticatedClient,

) -> Response[ErrorBody | PluginLog]:
    """ A plugin's recent activity in a workspace

     Its last 50 `log` lines of level info and above in this workspace (each at most 500 bytes, the
    workspace's secret settings shown as `********`), how many calls
    returned and failed, how many contacts a resolver answered with an error, and the last error
    with its reason. Kept in memory since this server started (with several servers, each answers
    for its own calls). Needs `plugins:write`: lines can hold contact data.

    Args:
        workspace (str):
        name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PluginLog]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
name=name,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    workspace: str,
    name: str,
    *,
    client: AuthenticatedClient,

) -> ErrorBody | PluginLog | None:
    """ A plugin's recent activity in a workspace

     Its last 50 `log` lines of level info and above in this workspace (each at most 500 bytes, the
    workspace's secret settings shown as `********`), how many calls
    returned and failed, how many contacts a resolver answered with an error, and the last error
    with its reason. Kept in memory since this server started (with several servers, each answers
    for its own calls). Needs `plugins:write`: lines can hold contact data.

    Args:
        workspace (str):
        name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PluginLog
     """


    return (await asyncio_detailed(
        workspace=workspace,
name=name,
client=client,

    )).parsed

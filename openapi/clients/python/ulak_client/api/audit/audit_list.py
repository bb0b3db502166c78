from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.page_audit_entry import PageAuditEntry
from ...types import UNSET, Unset
from typing import cast
import datetime



def _get_kwargs(
    workspace: str,
    *,
    action: str | Unset = UNSET,
    user: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["action"] = action

    params["user"] = user

    json_since: str | Unset = UNSET
    if not isinstance(since, Unset):
        json_since = since.isoformat()
    params["since"] = json_since

    json_until: str | Unset = UNSET
    if not isinstance(until, Unset):
        json_until = until.isoformat()
    params["until"] = json_until

    params["cursor"] = cursor

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/workspaces/{workspace}/audit".format(workspace=quote(str(workspace), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | PageAuditEntry | None:
    if response.status_code == 200:
        response_200 = PageAuditEntry.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | PageAuditEntry]:
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
    action: str | Unset = UNSET,
    user: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> Response[ErrorBody | PageAuditEntry]:
    """ List the workspace's audit log

     Who did what in the workspace, when, from which address: member and role changes, invitations,
    tokens, plugin settings, channels, campaign starts and cancels, exports, webhook changes and the
    workspace's deletion. Newest first. Needs `audit:read` (owners and admins have it). Nothing
    changes or removes an entry; they are kept `audit.keep_days` (365).

    Args:
        workspace (str):
        action (str | Unset):
        user (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageAuditEntry]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
action=action,
user=user,
since=since,
until=until,
cursor=cursor,
limit=limit,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    workspace: str,
    *,
    client: AuthenticatedClient,
    action: str | Unset = UNSET,
    user: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> ErrorBody | PageAuditEntry | None:
    """ List the workspace's audit log

     Who did what in the workspace, when, from which address: member and role changes, invitations,
    tokens, plugin settings, channels, campaign starts and cancels, exports, webhook changes and the
    workspace's deletion. Newest first. Needs `audit:read` (owners and admins have it). Nothing
    changes or removes an entry; they are kept `audit.keep_days` (365).

    Args:
        workspace (str):
        action (str | Unset):
        user (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageAuditEntry
     """


    return sync_detailed(
        workspace=workspace,
client=client,
action=action,
user=user,
since=since,
until=until,
cursor=cursor,
limit=limit,

    ).parsed

async def asyncio_detailed(
    workspace: str,
    *,
    client: AuthenticatedClient,
    action: str | Unset = UNSET,
    user: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> Response[ErrorBody | PageAuditEntry]:
    """ List the workspace's audit log

     Who did what in the workspace, when, from which address: member and role changes, invitations,
    tokens, plugin settings, channels, campaign starts and cancels, exports, webhook changes and the
    workspace's deletion. Newest first. Needs `audit:read` (owners and admins have it). Nothing
    changes or removes an entry; they are kept `audit.keep_days` (365).

    Args:
        workspace (str):
        action (str | Unset):
        user (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageAuditEntry]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
action=action,
user=user,
since=since,
until=until,
cursor=cursor,
limit=limit,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    workspace: str,
    *,
    client: AuthenticatedClient,
    action: str | Unset = UNSET,
    user: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    cursor: str | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> ErrorBody | PageAuditEntry | None:
    """ List the workspace's audit log

     Who did what in the workspace, when, from which address: member and role changes, invitations,
    tokens, plugin settings, channels, campaign starts and cancels, exports, webhook changes and the
    workspace's deletion. Newest first. Needs `audit:read` (owners and admins have it). Nothing
    changes or removes an entry; they are kept `audit.keep_days` (365).

    Args:
        workspace (str):
        action (str | Unset):
        user (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        cursor (str | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageAuditEntry
     """


    return (await asyncio_detailed(
        workspace=workspace,
client=client,
action=action,
user=user,
since=since,
until=until,
cursor=cursor,
limit=limit,

    )).parsed

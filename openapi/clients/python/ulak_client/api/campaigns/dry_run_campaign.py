from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.dry_run import DryRun
from ...models.error_body import ErrorBody
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    workspace: str,
    id: str,
    *,
    samples: int | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["samples"] = samples


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/workspaces/{workspace}/campaigns/{id}/dry-run".format(workspace=quote(str(workspace), safe=""),id=quote(str(id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DryRun | ErrorBody | None:
    if response.status_code == 200:
        response_200 = DryRun.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[DryRun | ErrorBody]:
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
    samples: int | Unset = UNSET,

) -> Response[DryRun | ErrorBody]:
    """ Dry-run a campaign

     Counts the audience and the skips by reason, renders the first messages, and estimates the
    duration under the rate, daily cap and window. Sends and stores nothing.

    Args:
        workspace (str):
        id (str):
        samples (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DryRun | ErrorBody]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
id=id,
samples=samples,

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
    samples: int | Unset = UNSET,

) -> DryRun | ErrorBody | None:
    """ Dry-run a campaign

     Counts the audience and the skips by reason, renders the first messages, and estimates the
    duration under the rate, daily cap and window. Sends and stores nothing.

    Args:
        workspace (str):
        id (str):
        samples (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DryRun | ErrorBody
     """


    return sync_detailed(
        workspace=workspace,
id=id,
client=client,
samples=samples,

    ).parsed

async def asyncio_detailed(
    workspace: str,
    id: str,
    *,
    client: AuthenticatedClient,
    samples: int | Unset = UNSET,

) -> Response[DryRun | ErrorBody]:
    """ Dry-run a campaign

     Counts the audience and the skips by reason, renders the first messages, and estimates the
    duration under the rate, daily cap and window. Sends and stores nothing.

    Args:
        workspace (str):
        id (str):
        samples (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DryRun | ErrorBody]
     """


    kwargs = _get_kwargs(
        workspace=workspace,
id=id,
samples=samples,

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
    samples: int | Unset = UNSET,

) -> DryRun | ErrorBody | None:
    """ Dry-run a campaign

     Counts the audience and the skips by reason, renders the first messages, and estimates the
    duration under the rate, daily cap and window. Sends and stores nothing.

    Args:
        workspace (str):
        id (str):
        samples (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DryRun | ErrorBody
     """


    return (await asyncio_detailed(
        workspace=workspace,
id=id,
client=client,
samples=samples,

    )).parsed

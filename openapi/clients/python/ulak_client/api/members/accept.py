from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.accept_invitation import AcceptInvitation
from ...models.error_body import ErrorBody
from ...models.member import Member
from typing import cast



def _get_kwargs(
    id: str,
    *,
    body: AcceptInvitation,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/invitations/{id}/accept".format(id=quote(str(id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | Member | None:
    if response.status_code == 200:
        response_200 = Member.from_dict(response.json())



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

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())



        return response_413

    if response.status_code == 415:
        response_415 = ErrorBody.from_dict(response.json())



        return response_415

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | Member]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: AcceptInvitation,

) -> Response[ErrorBody | Member]:
    """ Accept an invitation

     Joins the workspace with the invited role. The invitation must be addressed to the email you are
    signed in with; an account registered after the invitation also needs its `code`. The inviter
    must still be allowed to grant the role.

    Args:
        id (str):
        body (AcceptInvitation):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Member]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    id: str,
    *,
    client: AuthenticatedClient,
    body: AcceptInvitation,

) -> ErrorBody | Member | None:
    """ Accept an invitation

     Joins the workspace with the invited role. The invitation must be addressed to the email you are
    signed in with; an account registered after the invitation also needs its `code`. The inviter
    must still be allowed to grant the role.

    Args:
        id (str):
        body (AcceptInvitation):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Member
     """


    return sync_detailed(
        id=id,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: AcceptInvitation,

) -> Response[ErrorBody | Member]:
    """ Accept an invitation

     Joins the workspace with the invited role. The invitation must be addressed to the email you are
    signed in with; an account registered after the invitation also needs its `code`. The inviter
    must still be allowed to grant the role.

    Args:
        id (str):
        body (AcceptInvitation):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Member]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient,
    body: AcceptInvitation,

) -> ErrorBody | Member | None:
    """ Accept an invitation

     Joins the workspace with the invited role. The invitation must be addressed to the email you are
    signed in with; an account registered after the invitation also needs its `code`. The inviter
    must still be allowed to grant the role.

    Args:
        id (str):
        body (AcceptInvitation):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Member
     """


    return (await asyncio_detailed(
        id=id,
client=client,
body=body,

    )).parsed

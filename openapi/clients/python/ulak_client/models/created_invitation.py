from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="CreatedInvitation")



@_attrs_define
class CreatedInvitation:
    """ A new invitation, with the code that lets the invitee accept it (shown only now).

        Attributes:
            created_at (datetime.datetime):
            email (str):  Example: mehmet@example.com.
            expires_at (datetime.datetime):
            id (str):  Example: i0k2m4n6p8r0t2v4x6z8.
            invited_by (str): Who invited, by name. Example: Ayşe Yılmaz.
            role (str):  Example: editor.
            workspace (str):
            workspace_name (str):  Example: Acme Pazarlama.
            accept_path (str): The console page that accepts it: `/app/invitations/<id>?code=<code>`.
            code (str): Send this (or `accept_path`) to the invitee: an account registered after the invitation
                accepts only with it. Example: 3f9a….
            emailed (bool): Whether a mail with the link is on its way to the invitee: when the server has `[mail]`
                settings, at most 20 an hour from a workspace and one a day to one address. Otherwise send
                the link yourself.
     """

    created_at: datetime.datetime
    email: str
    expires_at: datetime.datetime
    id: str
    invited_by: str
    role: str
    workspace: str
    workspace_name: str
    accept_path: str
    code: str
    emailed: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        email = self.email

        expires_at = self.expires_at.isoformat()

        id = self.id

        invited_by = self.invited_by

        role = self.role

        workspace = self.workspace

        workspace_name = self.workspace_name

        accept_path = self.accept_path

        code = self.code

        emailed = self.emailed


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "email": email,
            "expires_at": expires_at,
            "id": id,
            "invited_by": invited_by,
            "role": role,
            "workspace": workspace,
            "workspace_name": workspace_name,
            "accept_path": accept_path,
            "code": code,
            "emailed": emailed,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        email = d.pop("email")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))




        id = d.pop("id")

        invited_by = d.pop("invited_by")

        role = d.pop("role")

        workspace = d.pop("workspace")

        workspace_name = d.pop("workspace_name")

        accept_path = d.pop("accept_path")

        code = d.pop("code")

        emailed = d.pop("emailed")

        created_invitation = cls(
            created_at=created_at,
            email=email,
            expires_at=expires_at,
            id=id,
            invited_by=invited_by,
            role=role,
            workspace=workspace,
            workspace_name=workspace_name,
            accept_path=accept_path,
            code=code,
            emailed=emailed,
        )


        created_invitation.additional_properties = d
        return created_invitation

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="CreateToken")



@_attrs_define
class CreateToken:
    """ 
        Attributes:
            name (str):  Example: CRM sync.
            workspace (str): The workspace the token may act in.
            role (None | str | Unset): A role of that workspace; defaults to your own role there. It may not grant more than
                yours. Example: editor.
     """

    name: str
    workspace: str
    role: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        workspace = self.workspace

        role: None | str | Unset
        if isinstance(self.role, Unset):
            role = UNSET
        else:
            role = self.role


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
            "workspace": workspace,
        })
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        workspace = d.pop("workspace")

        def _parse_role(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        role = _parse_role(d.pop("role", UNSET))


        create_token = cls(
            name=name,
            workspace=workspace,
            role=role,
        )

        return create_token


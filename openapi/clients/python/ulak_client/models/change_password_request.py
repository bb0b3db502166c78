from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="ChangePasswordRequest")



@_attrs_define
class ChangePasswordRequest:
    """ 
        Attributes:
            current_password (str):  Example: an old long password.
            new_password (str): At least 8 characters. Example: a new, longer password.
            revoke_tokens (bool | Unset): Also revoke every API token you created, in every workspace (default false).
     """

    current_password: str
    new_password: str
    revoke_tokens: bool | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        current_password = self.current_password

        new_password = self.new_password

        revoke_tokens = self.revoke_tokens


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "current_password": current_password,
            "new_password": new_password,
        })
        if revoke_tokens is not UNSET:
            field_dict["revoke_tokens"] = revoke_tokens

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        current_password = d.pop("current_password")

        new_password = d.pop("new_password")

        revoke_tokens = d.pop("revoke_tokens", UNSET)

        change_password_request = cls(
            current_password=current_password,
            new_password=new_password,
            revoke_tokens=revoke_tokens,
        )

        return change_password_request


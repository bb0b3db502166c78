from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="User")



@_attrs_define
class User:
    """ A user as the API shows it.

        Attributes:
            created_at (datetime.datetime):
            email (str):  Example: ayse@example.com.
            id (str):  Example: u0k2m4n6p8r0t2v4x6z8.
            name (str):  Example: Ayşe Yılmaz.
            superadmin (bool): Manages the whole instance.
     """

    created_at: datetime.datetime
    email: str
    id: str
    name: str
    superadmin: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        email = self.email

        id = self.id

        name = self.name

        superadmin = self.superadmin


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "email": email,
            "id": id,
            "name": name,
            "superadmin": superadmin,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        email = d.pop("email")

        id = d.pop("id")

        name = d.pop("name")

        superadmin = d.pop("superadmin")

        user = cls(
            created_at=created_at,
            email=email,
            id=id,
            name=name,
            superadmin=superadmin,
        )


        user.additional_properties = d
        return user

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

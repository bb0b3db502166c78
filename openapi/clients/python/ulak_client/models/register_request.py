from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="RegisterRequest")



@_attrs_define
class RegisterRequest:
    """ 
        Attributes:
            email (str):  Example: ayse@example.com.
            name (str):  Example: Ayşe Yılmaz.
            password (str): At least 8 characters. Example: correct horse battery staple.
     """

    email: str
    name: str
    password: str





    def to_dict(self) -> dict[str, Any]:
        email = self.email

        name = self.name

        password = self.password


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "email": email,
            "name": name,
            "password": password,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        name = d.pop("name")

        password = d.pop("password")

        register_request = cls(
            email=email,
            name=name,
            password=password,
        )

        return register_request


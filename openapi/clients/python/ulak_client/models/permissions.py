from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Permissions")



@_attrs_define
class Permissions:
    """ 
        Attributes:
            http_hosts (list[str] | Unset): Hosts `http-fetch` may reach: `api.example.com`, `*.example.com`, or
                `{config.url}` for the
                host of a configured URL. Empty: no HTTP at all.
     """

    http_hosts: list[str] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        http_hosts: list[str] | Unset = UNSET
        if not isinstance(self.http_hosts, Unset):
            http_hosts = self.http_hosts




        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if http_hosts is not UNSET:
            field_dict["http_hosts"] = http_hosts

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        http_hosts = cast(list[str], d.pop("http_hosts", UNSET))


        permissions = cls(
            http_hosts=http_hosts,
        )

        return permissions


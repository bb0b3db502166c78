from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="NewWebhook")



@_attrs_define
class NewWebhook:
    """ 
        Attributes:
            types (list[str]): Event types, or a family with `.*` (`message.*`). The caller's role must read each. Example:
                ['message.*', 'contact.opted_out'].
            url (str): Where deliveries are POSTed: http or https, on a public address unless the server's
                `[outbound]` settings allow private ones. Example: https://crm.example.com/hooks/ulak.
            description (str | Unset):
     """

    types: list[str]
    url: str
    description: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        types = self.types



        url = self.url

        description = self.description


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "types": types,
            "url": url,
        })
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        types = cast(list[str], d.pop("types"))


        url = d.pop("url")

        description = d.pop("description", UNSET)

        new_webhook = cls(
            types=types,
            url=url,
            description=description,
        )

        return new_webhook


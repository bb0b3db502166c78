from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="NumberOnWhatsapp")



@_attrs_define
class NumberOnWhatsapp:
    """ Whether one number is on WhatsApp.

        Attributes:
            business (bool): Whether it is a business account.
            number (str):  Example: +905551112233.
            on_whatsapp (bool | None | Unset): Null when WhatsApp gave no clear answer for this number (ask again later).
     """

    business: bool
    number: str
    on_whatsapp: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        business = self.business

        number = self.number

        on_whatsapp: bool | None | Unset
        if isinstance(self.on_whatsapp, Unset):
            on_whatsapp = UNSET
        else:
            on_whatsapp = self.on_whatsapp


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "business": business,
            "number": number,
        })
        if on_whatsapp is not UNSET:
            field_dict["on_whatsapp"] = on_whatsapp

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        business = d.pop("business")

        number = d.pop("number")

        def _parse_on_whatsapp(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        on_whatsapp = _parse_on_whatsapp(d.pop("on_whatsapp", UNSET))


        number_on_whatsapp = cls(
            business=business,
            number=number,
            on_whatsapp=on_whatsapp,
        )


        number_on_whatsapp.additional_properties = d
        return number_on_whatsapp

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

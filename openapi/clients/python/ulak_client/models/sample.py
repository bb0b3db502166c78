from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.render_warning import RenderWarning





T = TypeVar("T", bound="Sample")



@_attrs_define
class Sample:
    """ 
        Attributes:
            address (str):
            contact (str):
            text (str):  Example: Sayın Ayşe Hanım, Kasım'a özel %20 indirim!.
            warnings (list[RenderWarning]): Plugin resolvers that gave no value for this contact; without a fallback
                (`fallback_used` false) this message would fail with the reason.
     """

    address: str
    contact: str
    text: str
    warnings: list[RenderWarning]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.render_warning import RenderWarning # noqa: PLC0415
        address = self.address

        contact = self.contact

        text = self.text

        warnings = []
        for warnings_item_data in self.warnings:
            warnings_item = warnings_item_data.to_dict()
            warnings.append(warnings_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "address": address,
            "contact": contact,
            "text": text,
            "warnings": warnings,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.render_warning import RenderWarning # noqa: PLC0415
        d = dict(src_dict)
        address = d.pop("address")

        contact = d.pop("contact")

        text = d.pop("text")

        warnings = []
        _warnings = d.pop("warnings")
        for warnings_item_data in (_warnings):
            warnings_item = RenderWarning.from_dict(warnings_item_data)



            warnings.append(warnings_item)


        sample = cls(
            address=address,
            contact=contact,
            text=text,
            warnings=warnings,
        )


        sample.additional_properties = d
        return sample

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

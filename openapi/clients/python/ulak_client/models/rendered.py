from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.media_ref import MediaRef
  from ..models.render_warning import RenderWarning





T = TypeVar("T", bound="Rendered")



@_attrs_define
class Rendered:
    """ 
        Attributes:
            attachments (list[MediaRef]):
            text (str):  Example: Sayın Ayşe Hanım, KASIM50 kodu ile %50 indirim!.
            warnings (list[RenderWarning]): Plugin resolvers that gave no value for this contact, with their reason. A
                campaign or a
                send does not send a message whose placeholder has no fallback (`fallback_used` false):
                that message fails with the reason.
     """

    attachments: list[MediaRef]
    text: str
    warnings: list[RenderWarning]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.media_ref import MediaRef # noqa: PLC0415
        from ..models.render_warning import RenderWarning # noqa: PLC0415
        attachments = []
        for attachments_item_data in self.attachments:
            attachments_item = attachments_item_data.to_dict()
            attachments.append(attachments_item)



        text = self.text

        warnings = []
        for warnings_item_data in self.warnings:
            warnings_item = warnings_item_data.to_dict()
            warnings.append(warnings_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attachments": attachments,
            "text": text,
            "warnings": warnings,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.media_ref import MediaRef # noqa: PLC0415
        from ..models.render_warning import RenderWarning # noqa: PLC0415
        d = dict(src_dict)
        attachments = []
        _attachments = d.pop("attachments")
        for attachments_item_data in (_attachments):
            attachments_item = MediaRef.from_dict(attachments_item_data)



            attachments.append(attachments_item)


        text = d.pop("text")

        warnings = []
        _warnings = d.pop("warnings")
        for warnings_item_data in (_warnings):
            warnings_item = RenderWarning.from_dict(warnings_item_data)



            warnings.append(warnings_item)


        rendered = cls(
            attachments=attachments,
            text=text,
            warnings=warnings,
        )


        rendered.additional_properties = d
        return rendered

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

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.media_kind import MediaKind
from ..types import UNSET, Unset






T = TypeVar("T", bound="MessageAttachment")



@_attrs_define
class MessageAttachment:
    """ An attachment as a message carries it (frozen when the message was queued).

        Attributes:
            file_name (str):
            kind (MediaKind):
            media_id (str):
            mime (str):
            size (int):
            sha256 (str | Unset):
     """

    file_name: str
    kind: MediaKind
    media_id: str
    mime: str
    size: int
    sha256: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        file_name = self.file_name

        kind = self.kind.value

        media_id = self.media_id

        mime = self.mime

        size = self.size

        sha256 = self.sha256


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "file_name": file_name,
            "kind": kind,
            "media_id": media_id,
            "mime": mime,
            "size": size,
        })
        if sha256 is not UNSET:
            field_dict["sha256"] = sha256

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file_name = d.pop("file_name")

        kind = MediaKind(d.pop("kind"))




        media_id = d.pop("media_id")

        mime = d.pop("mime")

        size = d.pop("size")

        sha256 = d.pop("sha256", UNSET)

        message_attachment = cls(
            file_name=file_name,
            kind=kind,
            media_id=media_id,
            mime=mime,
            size=size,
            sha256=sha256,
        )


        message_attachment.additional_properties = d
        return message_attachment

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

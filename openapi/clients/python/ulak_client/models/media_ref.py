from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.media_kind import MediaKind






T = TypeVar("T", bound="MediaRef")



@_attrs_define
class MediaRef:
    """ An attachment as templates and messages reference it.

        Attributes:
            file_name (str):
            id (str):
            kind (MediaKind):
            mime (str):
            size (int):
     """

    file_name: str
    id: str
    kind: MediaKind
    mime: str
    size: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        file_name = self.file_name

        id = self.id

        kind = self.kind.value

        mime = self.mime

        size = self.size


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "file_name": file_name,
            "id": id,
            "kind": kind,
            "mime": mime,
            "size": size,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file_name = d.pop("file_name")

        id = d.pop("id")

        kind = MediaKind(d.pop("kind"))




        mime = d.pop("mime")

        size = d.pop("size")

        media_ref = cls(
            file_name=file_name,
            id=id,
            kind=kind,
            mime=mime,
            size=size,
        )


        media_ref.additional_properties = d
        return media_ref

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

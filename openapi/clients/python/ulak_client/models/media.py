from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.media_kind import MediaKind
from typing import cast
import datetime






T = TypeVar("T", bound="Media")



@_attrs_define
class Media:
    """ 
        Attributes:
            created_at (datetime.datetime):
            file_name (str): The uploaded file's name, for display and downloads only. Example: kampanya.jpg.
            has_thumbnail (bool):
            id (str):  Example: m0k2m4n6p8r0t2v4x6z8.
            kind (MediaKind):
            mime (str):  Example: image/jpeg.
            sha256 (str): SHA-256 of the bytes (hex).
            size (int): Bytes.
     """

    created_at: datetime.datetime
    file_name: str
    has_thumbnail: bool
    id: str
    kind: MediaKind
    mime: str
    sha256: str
    size: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        file_name = self.file_name

        has_thumbnail = self.has_thumbnail

        id = self.id

        kind = self.kind.value

        mime = self.mime

        sha256 = self.sha256

        size = self.size


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "file_name": file_name,
            "has_thumbnail": has_thumbnail,
            "id": id,
            "kind": kind,
            "mime": mime,
            "sha256": sha256,
            "size": size,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        file_name = d.pop("file_name")

        has_thumbnail = d.pop("has_thumbnail")

        id = d.pop("id")

        kind = MediaKind(d.pop("kind"))




        mime = d.pop("mime")

        sha256 = d.pop("sha256")

        size = d.pop("size")

        media = cls(
            created_at=created_at,
            file_name=file_name,
            has_thumbnail=has_thumbnail,
            id=id,
            kind=kind,
            mime=mime,
            sha256=sha256,
            size=size,
        )


        media.additional_properties = d
        return media

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

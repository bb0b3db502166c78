from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ImportCounts")



@_attrs_define
class ImportCounts:
    """ 
        Attributes:
            created (int): New contacts.
            failed (int): Bad rows (no or invalid phone, invalid field).
            read (int): Records the importer read (contacts and bad rows).
            skipped (int): Records left alone: a phone seen earlier in the same file, or an existing contact when
                `update_existing` is false.
            updated (int): Existing contacts the import updated.
     """

    created: int
    failed: int
    read: int
    skipped: int
    updated: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created = self.created

        failed = self.failed

        read = self.read

        skipped = self.skipped

        updated = self.updated


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created": created,
            "failed": failed,
            "read": read,
            "skipped": skipped,
            "updated": updated,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created = d.pop("created")

        failed = d.pop("failed")

        read = d.pop("read")

        skipped = d.pop("skipped")

        updated = d.pop("updated")

        import_counts = cls(
            created=created,
            failed=failed,
            read=read,
            skipped=skipped,
            updated=updated,
        )


        import_counts.additional_properties = d
        return import_counts

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

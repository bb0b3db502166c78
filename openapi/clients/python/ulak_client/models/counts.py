from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="Counts")



@_attrs_define
class Counts:
    """ How many of a campaign's messages are in each status now.

        Attributes:
            cancelled (int | Unset):
            delivered (int | Unset):
            failed (int | Unset):
            queued (int | Unset):
            read (int | Unset):
            sent (int | Unset):
            skipped (int | Unset):
     """

    cancelled: int | Unset = UNSET
    delivered: int | Unset = UNSET
    failed: int | Unset = UNSET
    queued: int | Unset = UNSET
    read: int | Unset = UNSET
    sent: int | Unset = UNSET
    skipped: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        cancelled = self.cancelled

        delivered = self.delivered

        failed = self.failed

        queued = self.queued

        read = self.read

        sent = self.sent

        skipped = self.skipped


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if cancelled is not UNSET:
            field_dict["cancelled"] = cancelled
        if delivered is not UNSET:
            field_dict["delivered"] = delivered
        if failed is not UNSET:
            field_dict["failed"] = failed
        if queued is not UNSET:
            field_dict["queued"] = queued
        if read is not UNSET:
            field_dict["read"] = read
        if sent is not UNSET:
            field_dict["sent"] = sent
        if skipped is not UNSET:
            field_dict["skipped"] = skipped

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cancelled = d.pop("cancelled", UNSET)

        delivered = d.pop("delivered", UNSET)

        failed = d.pop("failed", UNSET)

        queued = d.pop("queued", UNSET)

        read = d.pop("read", UNSET)

        sent = d.pop("sent", UNSET)

        skipped = d.pop("skipped", UNSET)

        counts = cls(
            cancelled=cancelled,
            delivered=delivered,
            failed=failed,
            queued=queued,
            read=read,
            sent=sent,
            skipped=skipped,
        )


        counts.additional_properties = d
        return counts

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

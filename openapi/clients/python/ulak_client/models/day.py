from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="Day")



@_attrs_define
class Day:
    """ 
        Attributes:
            delivered (int):
            failed (int): Given up after the retries, or reported failed by the provider.
            read (int):
            received (int): Inbound messages.
            sent (int): Accepted by the provider (or the SMTP server).
            skipped (int): Not sent: opted out, no address for the channel …
            day (datetime.date):  Example: 2026-12-01.
     """

    delivered: int
    failed: int
    read: int
    received: int
    sent: int
    skipped: int
    day: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        delivered = self.delivered

        failed = self.failed

        read = self.read

        received = self.received

        sent = self.sent

        skipped = self.skipped

        day = self.day.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "delivered": delivered,
            "failed": failed,
            "read": read,
            "received": received,
            "sent": sent,
            "skipped": skipped,
            "day": day,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        delivered = d.pop("delivered")

        failed = d.pop("failed")

        read = d.pop("read")

        received = d.pop("received")

        sent = d.pop("sent")

        skipped = d.pop("skipped")

        day = datetime.date.fromisoformat(d.pop("day"))




        day = cls(
            delivered=delivered,
            failed=failed,
            read=read,
            received=received,
            sent=sent,
            skipped=skipped,
            day=day,
        )


        day.additional_properties = d
        return day

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

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.day import Day
  from ..models.day_counts import DayCounts





T = TypeVar("T", bound="MessageStats")



@_attrs_define
class MessageStats:
    """ 
        Attributes:
            days (list[Day]): One entry per day of the window, oldest first; days without messages have zeros.
            last_7_days (DayCounts): Messages by status: events of one day, or of several added up.
            time_zone (str): The workspace's time zone, in which days begin and end. Example: Europe/Istanbul.
            today (DayCounts): Messages by status: events of one day, or of several added up.
            delivery_rate (float | None | Unset): Delivered (or read) per sent over the last 7 days, 0 to 1; null when
                nothing was sent. A
                channel that reports no deliveries (SMTP) counts none. Example: 0.94.
            read_rate (float | None | Unset): Read per sent over the last 7 days, 0 to 1; null when nothing was sent.
                Example: 0.61.
     """

    days: list[Day]
    last_7_days: DayCounts
    time_zone: str
    today: DayCounts
    delivery_rate: float | None | Unset = UNSET
    read_rate: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.day import Day # noqa: PLC0415
        from ..models.day_counts import DayCounts # noqa: PLC0415
        days = []
        for days_item_data in self.days:
            days_item = days_item_data.to_dict()
            days.append(days_item)



        last_7_days = self.last_7_days.to_dict()

        time_zone = self.time_zone

        today = self.today.to_dict()

        delivery_rate: float | None | Unset
        if isinstance(self.delivery_rate, Unset):
            delivery_rate = UNSET
        else:
            delivery_rate = self.delivery_rate

        read_rate: float | None | Unset
        if isinstance(self.read_rate, Unset):
            read_rate = UNSET
        else:
            read_rate = self.read_rate


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "days": days,
            "last_7_days": last_7_days,
            "time_zone": time_zone,
            "today": today,
        })
        if delivery_rate is not UNSET:
            field_dict["delivery_rate"] = delivery_rate
        if read_rate is not UNSET:
            field_dict["read_rate"] = read_rate

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.day import Day # noqa: PLC0415
        from ..models.day_counts import DayCounts # noqa: PLC0415
        d = dict(src_dict)
        days = []
        _days = d.pop("days")
        for days_item_data in (_days):
            days_item = Day.from_dict(days_item_data)



            days.append(days_item)


        last_7_days = DayCounts.from_dict(d.pop("last_7_days"))




        time_zone = d.pop("time_zone")

        today = DayCounts.from_dict(d.pop("today"))




        def _parse_delivery_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        delivery_rate = _parse_delivery_rate(d.pop("delivery_rate", UNSET))


        def _parse_read_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        read_rate = _parse_read_rate(d.pop("read_rate", UNSET))


        message_stats = cls(
            days=days,
            last_7_days=last_7_days,
            time_zone=time_zone,
            today=today,
            delivery_rate=delivery_rate,
            read_rate=read_rate,
        )


        message_stats.additional_properties = d
        return message_stats

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

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Window")



@_attrs_define
class Window:
    """ Hours of the days a campaign may send in, in the workspace's time zone.

        Attributes:
            from_ (str): From this time of day (`HH:MM`). Example: 09:00.
            to (str): Until this time of day (`HH:MM`, exclusive); before `from` means the window spans midnight. Example:
                18:00.
            days (list[str] | Unset): Days it may send on: `mon` … `sun` (all days when empty). Example: ['mon', 'tue',
                'wed', 'thu', 'fri'].
     """

    from_: str
    to: str
    days: list[str] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_

        to = self.to

        days: list[str] | Unset = UNSET
        if not isinstance(self.days, Unset):
            days = self.days




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "from": from_,
            "to": to,
        })
        if days is not UNSET:
            field_dict["days"] = days

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        from_ = d.pop("from")

        to = d.pop("to")

        days = cast(list[str], d.pop("days", UNSET))


        window = cls(
            from_=from_,
            to=to,
            days=days,
        )

        return window


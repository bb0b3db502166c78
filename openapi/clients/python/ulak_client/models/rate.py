from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="Rate")



@_attrs_define
class Rate:
    """ How fast a campaign sends. Defaults are what senders who care about bans use.

        Attributes:
            daily_cap (int | None | Unset): Messages the channel may send per day (in the workspace's time zone), all its
                campaigns and
                single sends together; `null` for no cap. Example: 1000.
            jitter_max_ms (int | Unset): …and at most this long. Example: 4000.
            jitter_min_ms (int | Unset): A random pause between two sends, at least this long (milliseconds)… Example: 1000.
            min_gap_per_recipient_secs (int | None | Unset): Seconds that must pass between two messages to the same
                recipient on the channel. Example: 3600.
            per_minute (int | None | Unset): Messages per minute; `null` for no limit (rehearsals on a sandbox channel).
                Example: 20.
     """

    daily_cap: int | None | Unset = UNSET
    jitter_max_ms: int | Unset = UNSET
    jitter_min_ms: int | Unset = UNSET
    min_gap_per_recipient_secs: int | None | Unset = UNSET
    per_minute: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        daily_cap: int | None | Unset
        if isinstance(self.daily_cap, Unset):
            daily_cap = UNSET
        else:
            daily_cap = self.daily_cap

        jitter_max_ms = self.jitter_max_ms

        jitter_min_ms = self.jitter_min_ms

        min_gap_per_recipient_secs: int | None | Unset
        if isinstance(self.min_gap_per_recipient_secs, Unset):
            min_gap_per_recipient_secs = UNSET
        else:
            min_gap_per_recipient_secs = self.min_gap_per_recipient_secs

        per_minute: int | None | Unset
        if isinstance(self.per_minute, Unset):
            per_minute = UNSET
        else:
            per_minute = self.per_minute


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if daily_cap is not UNSET:
            field_dict["daily_cap"] = daily_cap
        if jitter_max_ms is not UNSET:
            field_dict["jitter_max_ms"] = jitter_max_ms
        if jitter_min_ms is not UNSET:
            field_dict["jitter_min_ms"] = jitter_min_ms
        if min_gap_per_recipient_secs is not UNSET:
            field_dict["min_gap_per_recipient_secs"] = min_gap_per_recipient_secs
        if per_minute is not UNSET:
            field_dict["per_minute"] = per_minute

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_daily_cap(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        daily_cap = _parse_daily_cap(d.pop("daily_cap", UNSET))


        jitter_max_ms = d.pop("jitter_max_ms", UNSET)

        jitter_min_ms = d.pop("jitter_min_ms", UNSET)

        def _parse_min_gap_per_recipient_secs(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        min_gap_per_recipient_secs = _parse_min_gap_per_recipient_secs(d.pop("min_gap_per_recipient_secs", UNSET))


        def _parse_per_minute(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        per_minute = _parse_per_minute(d.pop("per_minute", UNSET))


        rate = cls(
            daily_cap=daily_cap,
            jitter_max_ms=jitter_max_ms,
            jitter_min_ms=jitter_min_ms,
            min_gap_per_recipient_secs=min_gap_per_recipient_secs,
            per_minute=per_minute,
        )

        return rate


from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="ChannelEventData")



@_attrs_define
class ChannelEventData:
    """ `channel.*`: a channel's connection changed.

        Attributes:
            channel (str):
            state (str):
            qr_expires_at (datetime.datetime | None | Unset): `channel.pairing` of a WhatsApp Web channel, once per new QR
                code: until when that code
                is valid. The code itself is at `GET …/channels/{id}/qr` (for those who manage channels).
            reason (None | str | Unset):
     """

    channel: str
    state: str
    qr_expires_at: datetime.datetime | None | Unset = UNSET
    reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        channel = self.channel

        state = self.state

        qr_expires_at: None | str | Unset
        if isinstance(self.qr_expires_at, Unset):
            qr_expires_at = UNSET
        elif isinstance(self.qr_expires_at, datetime.datetime):
            qr_expires_at = self.qr_expires_at.isoformat()
        else:
            qr_expires_at = self.qr_expires_at

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "channel": channel,
            "state": state,
        })
        if qr_expires_at is not UNSET:
            field_dict["qr_expires_at"] = qr_expires_at
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        channel = d.pop("channel")

        state = d.pop("state")

        def _parse_qr_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                qr_expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return qr_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        qr_expires_at = _parse_qr_expires_at(d.pop("qr_expires_at", UNSET))


        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        channel_event_data = cls(
            channel=channel,
            state=state,
            qr_expires_at=qr_expires_at,
            reason=reason,
        )


        channel_event_data.additional_properties = d
        return channel_event_data

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

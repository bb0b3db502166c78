from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="NewChannelConfig")



@_attrs_define
class NewChannelConfig:
    """ The kind's settings: `sandbox` {delivered_rate, read_rate, failed_rate, delay_ms,
    media_kinds, address}; `smtp` {host, port, security, username, password, from_address,
    from_name, subject, max_attachment_bytes}; `plugin` {plugin}; `whatsapp_cloud` {base_url,
    api_version, phone_number_id, business_account_id, access_token, app_secret, verify_token,
    preview_links} (checked with one read of the phone number; Meta's answer is kept as
    `phone`); `whatsapp_web` {typing} (starts in `pairing`: show its QR code, or ask for a
    phone-number code; the paired phone is kept as `account`).

     """

    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        
        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        new_channel_config = cls(
        )


        new_channel_config.additional_properties = d
        return new_channel_config

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

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.channel_kind import ChannelKind
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.new_channel_config import NewChannelConfig





T = TypeVar("T", bound="NewChannel")



@_attrs_define
class NewChannel:
    """ 
        Attributes:
            kind (ChannelKind):
            name (str):  Example: Prova.
            config (NewChannelConfig | Unset): The kind's settings: `sandbox` {delivered_rate, read_rate, failed_rate,
                delay_ms,
                media_kinds, address}; `smtp` {host, port, security, username, password, from_address,
                from_name, subject, max_attachment_bytes}; `plugin` {plugin}; `whatsapp_cloud` {base_url,
                api_version, phone_number_id, business_account_id, access_token, app_secret, verify_token,
                preview_links} (checked with one read of the phone number; Meta's answer is kept as
                `phone`); `whatsapp_web` {typing} (starts in `pairing`: show its QR code, or ask for a
                phone-number code; the paired phone is kept as `account`).
     """

    kind: ChannelKind
    name: str
    config: NewChannelConfig | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.new_channel_config import NewChannelConfig # noqa: PLC0415
        kind = self.kind.value

        name = self.name

        config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.config, Unset):
            config = self.config.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "kind": kind,
            "name": name,
        })
        if config is not UNSET:
            field_dict["config"] = config

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.new_channel_config import NewChannelConfig # noqa: PLC0415
        d = dict(src_dict)
        kind = ChannelKind(d.pop("kind"))




        name = d.pop("name")

        _config = d.pop("config", UNSET)
        config: NewChannelConfig | Unset
        if isinstance(_config,  Unset):
            config = UNSET
        else:
            config = NewChannelConfig.from_dict(_config)




        new_channel = cls(
            kind=kind,
            name=name,
            config=config,
        )

        return new_channel


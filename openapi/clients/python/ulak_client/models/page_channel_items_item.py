from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.channel_kind import ChannelKind
from ..models.channel_state import ChannelState
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.channel_health import ChannelHealth
  from ..models.page_channel_items_item_config import PageChannelItemsItemConfig





T = TypeVar("T", bound="PageChannelItemsItem")



@_attrs_define
class PageChannelItemsItem:
    """ A channel as the API shows it.

        Attributes:
            config (PageChannelItemsItemConfig): The kind's settings; secrets read back as `********`.
            created_at (datetime.datetime):
            id (str):  Example: c0k2m4n6p8r0t2v4x6z8.
            kind (ChannelKind):
            name (str):  Example: Prova.
            state (ChannelState):
            updated_at (datetime.datetime):
            health (ChannelHealth | Unset): How a channel has been doing.
            state_reason (None | str | Unset): Why the channel is in its state (for `error`, `disconnected`, `logged_out`).
            webhook_path (None | str | Unset): Where the provider posts inbound messages and delivery reports (plugin
                channels).
     """

    config: PageChannelItemsItemConfig
    created_at: datetime.datetime
    id: str
    kind: ChannelKind
    name: str
    state: ChannelState
    updated_at: datetime.datetime
    health: ChannelHealth | Unset = UNSET
    state_reason: None | str | Unset = UNSET
    webhook_path: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.channel_health import ChannelHealth # noqa: PLC0415
        from ..models.page_channel_items_item_config import PageChannelItemsItemConfig # noqa: PLC0415
        config = self.config.to_dict()

        created_at = self.created_at.isoformat()

        id = self.id

        kind = self.kind.value

        name = self.name

        state = self.state.value

        updated_at = self.updated_at.isoformat()

        health: dict[str, Any] | Unset = UNSET
        if not isinstance(self.health, Unset):
            health = self.health.to_dict()

        state_reason: None | str | Unset
        if isinstance(self.state_reason, Unset):
            state_reason = UNSET
        else:
            state_reason = self.state_reason

        webhook_path: None | str | Unset
        if isinstance(self.webhook_path, Unset):
            webhook_path = UNSET
        else:
            webhook_path = self.webhook_path


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "config": config,
            "created_at": created_at,
            "id": id,
            "kind": kind,
            "name": name,
            "state": state,
            "updated_at": updated_at,
        })
        if health is not UNSET:
            field_dict["health"] = health
        if state_reason is not UNSET:
            field_dict["state_reason"] = state_reason
        if webhook_path is not UNSET:
            field_dict["webhook_path"] = webhook_path

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.channel_health import ChannelHealth # noqa: PLC0415
        from ..models.page_channel_items_item_config import PageChannelItemsItemConfig # noqa: PLC0415
        d = dict(src_dict)
        config = PageChannelItemsItemConfig.from_dict(d.pop("config"))




        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = d.pop("id")

        kind = ChannelKind(d.pop("kind"))




        name = d.pop("name")

        state = ChannelState(d.pop("state"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        _health = d.pop("health", UNSET)
        health: ChannelHealth | Unset
        if isinstance(_health,  Unset):
            health = UNSET
        else:
            health = ChannelHealth.from_dict(_health)




        def _parse_state_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        state_reason = _parse_state_reason(d.pop("state_reason", UNSET))


        def _parse_webhook_path(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        webhook_path = _parse_webhook_path(d.pop("webhook_path", UNSET))


        page_channel_items_item = cls(
            config=config,
            created_at=created_at,
            id=id,
            kind=kind,
            name=name,
            state=state,
            updated_at=updated_at,
            health=health,
            state_reason=state_reason,
            webhook_path=webhook_path,
        )


        page_channel_items_item.additional_properties = d
        return page_channel_items_item

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

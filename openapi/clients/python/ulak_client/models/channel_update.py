from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.channel_state import ChannelState
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.channel_update_config_type_0 import ChannelUpdateConfigType0





T = TypeVar("T", bound="ChannelUpdate")



@_attrs_define
class ChannelUpdate:
    """ 
        Attributes:
            config (ChannelUpdateConfigType0 | None | Unset): Replaces the settings; secrets sent as `********` keep their
                value.
            name (None | str | Unset):  Example: Prova.
            state (ChannelState | None | Unset):
     """

    config: ChannelUpdateConfigType0 | None | Unset = UNSET
    name: None | str | Unset = UNSET
    state: ChannelState | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.channel_update_config_type_0 import ChannelUpdateConfigType0 # noqa: PLC0415
        config: dict[str, Any] | None | Unset
        if isinstance(self.config, Unset):
            config = UNSET
        elif isinstance(self.config, ChannelUpdateConfigType0):
            config = self.config.to_dict()
        else:
            config = self.config

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        state: None | str | Unset
        if isinstance(self.state, Unset):
            state = UNSET
        elif isinstance(self.state, ChannelState):
            state = self.state.value
        else:
            state = self.state


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if config is not UNSET:
            field_dict["config"] = config
        if name is not UNSET:
            field_dict["name"] = name
        if state is not UNSET:
            field_dict["state"] = state

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.channel_update_config_type_0 import ChannelUpdateConfigType0 # noqa: PLC0415
        d = dict(src_dict)
        def _parse_config(data: object) -> ChannelUpdateConfigType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                config_type_0 = ChannelUpdateConfigType0.from_dict(data)



                return config_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ChannelUpdateConfigType0 | None | Unset, data)

        config = _parse_config(d.pop("config", UNSET))


        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        def _parse_state(data: object) -> ChannelState | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                state_type_0 = ChannelState(data)



                return state_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ChannelState | None | Unset, data)

        state = _parse_state(d.pop("state", UNSET))


        channel_update = cls(
            config=config,
            name=name,
            state=state,
        )

        return channel_update


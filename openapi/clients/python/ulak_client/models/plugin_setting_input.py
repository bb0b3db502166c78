from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.plugin_setting_input_config_type_0 import PluginSettingInputConfigType0





T = TypeVar("T", bound="PluginSettingInput")



@_attrs_define
class PluginSettingInput:
    """ 
        Attributes:
            config (None | PluginSettingInputConfigType0 | Unset): Replaces the settings; a secret sent back as `********`
                keeps its stored value.
            enabled (bool | None | Unset):
     """

    config: None | PluginSettingInputConfigType0 | Unset = UNSET
    enabled: bool | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.plugin_setting_input_config_type_0 import PluginSettingInputConfigType0 # noqa: PLC0415
        config: dict[str, Any] | None | Unset
        if isinstance(self.config, Unset):
            config = UNSET
        elif isinstance(self.config, PluginSettingInputConfigType0):
            config = self.config.to_dict()
        else:
            config = self.config

        enabled: bool | None | Unset
        if isinstance(self.enabled, Unset):
            enabled = UNSET
        else:
            enabled = self.enabled


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if config is not UNSET:
            field_dict["config"] = config
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.plugin_setting_input_config_type_0 import PluginSettingInputConfigType0 # noqa: PLC0415
        d = dict(src_dict)
        def _parse_config(data: object) -> None | PluginSettingInputConfigType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                config_type_0 = PluginSettingInputConfigType0.from_dict(data)



                return config_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PluginSettingInputConfigType0 | Unset, data)

        config = _parse_config(d.pop("config", UNSET))


        def _parse_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        enabled = _parse_enabled(d.pop("enabled", UNSET))


        plugin_setting_input = cls(
            config=config,
            enabled=enabled,
        )

        return plugin_setting_input


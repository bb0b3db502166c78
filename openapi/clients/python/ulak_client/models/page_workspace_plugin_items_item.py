from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.page_workspace_plugin_items_item_config import PageWorkspacePluginItemsItemConfig
  from ..models.page_workspace_plugin_items_item_effective_config import PageWorkspacePluginItemsItemEffectiveConfig
  from ..models.plugin_info import PluginInfo





T = TypeVar("T", bound="PageWorkspacePluginItemsItem")



@_attrs_define
class PageWorkspacePluginItemsItem:
    """ A plugin as one workspace has it.

        Attributes:
            config (PageWorkspacePluginItemsItemConfig): The workspace's settings; secrets read `********`.
            configured (bool): Whether every required setting is present.
            defaulted (list[str]): The keys of `effective_config` that come from the manifest's defaults. Example:
                ['morning_until', 'evening_from'].
            effective_config (PageWorkspacePluginItemsItemEffectiveConfig): What the plugin sees: the workspace's settings
                over the manifest's defaults (secrets
                `********`).
            enabled (bool):
            plugin (PluginInfo): An installed plugin.
     """

    config: PageWorkspacePluginItemsItemConfig
    configured: bool
    defaulted: list[str]
    effective_config: PageWorkspacePluginItemsItemEffectiveConfig
    enabled: bool
    plugin: PluginInfo
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.page_workspace_plugin_items_item_config import PageWorkspacePluginItemsItemConfig # noqa: PLC0415
        from ..models.page_workspace_plugin_items_item_effective_config import PageWorkspacePluginItemsItemEffectiveConfig # noqa: PLC0415
        from ..models.plugin_info import PluginInfo # noqa: PLC0415
        config = self.config.to_dict()

        configured = self.configured

        defaulted = self.defaulted



        effective_config = self.effective_config.to_dict()

        enabled = self.enabled

        plugin = self.plugin.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "config": config,
            "configured": configured,
            "defaulted": defaulted,
            "effective_config": effective_config,
            "enabled": enabled,
            "plugin": plugin,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.page_workspace_plugin_items_item_config import PageWorkspacePluginItemsItemConfig # noqa: PLC0415
        from ..models.page_workspace_plugin_items_item_effective_config import PageWorkspacePluginItemsItemEffectiveConfig # noqa: PLC0415
        from ..models.plugin_info import PluginInfo # noqa: PLC0415
        d = dict(src_dict)
        config = PageWorkspacePluginItemsItemConfig.from_dict(d.pop("config"))




        configured = d.pop("configured")

        defaulted = cast(list[str], d.pop("defaulted"))


        effective_config = PageWorkspacePluginItemsItemEffectiveConfig.from_dict(d.pop("effective_config"))




        enabled = d.pop("enabled")

        plugin = PluginInfo.from_dict(d.pop("plugin"))




        page_workspace_plugin_items_item = cls(
            config=config,
            configured=configured,
            defaulted=defaulted,
            effective_config=effective_config,
            enabled=enabled,
            plugin=plugin,
        )


        page_workspace_plugin_items_item.additional_properties = d
        return page_workspace_plugin_items_item

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

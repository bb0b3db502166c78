from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.plugin_info import PluginInfo





T = TypeVar("T", bound="Installed")



@_attrs_define
class Installed:
    """ 
        Attributes:
            outcome (str): `installed`, `upgraded`, `replaced` (the same version, other bytes, forced), `downgraded`
                (forced) or `unchanged` (the same component was already installed). Example: installed.
            plugin (PluginInfo): An installed plugin.
     """

    outcome: str
    plugin: PluginInfo
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.plugin_info import PluginInfo # noqa: PLC0415
        outcome = self.outcome

        plugin = self.plugin.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "outcome": outcome,
            "plugin": plugin,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.plugin_info import PluginInfo # noqa: PLC0415
        d = dict(src_dict)
        outcome = d.pop("outcome")

        plugin = PluginInfo.from_dict(d.pop("plugin"))




        installed = cls(
            outcome=outcome,
            plugin=plugin,
        )


        installed.additional_properties = d
        return installed

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

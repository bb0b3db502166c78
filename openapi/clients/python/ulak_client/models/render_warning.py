from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="RenderWarning")



@_attrs_define
class RenderWarning:
    """ Asks each plugin the template needs for its values, one batch per plugin for all the contacts.
    Returns, per contact, the values by slot; an item the plugin could not resolve is `None` (the
    placeholder's fallback applies). A plugin that fails as a whole fails the render.
    A plugin resolver that gave no value for a contact: shown with previews, and the reason a
    message fails when the placeholder has no fallback.

        Attributes:
            fallback_used (bool): Whether the placeholder's fallback stood in (otherwise it rendered empty).
            message (str): The plugin's reason. Example: contact 905321234567 has no 'doğum_tarihi'.
            placeholder (str):  Example: %burç%.
            plugin (str):  Example: zodiac.
     """

    fallback_used: bool
    message: str
    placeholder: str
    plugin: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        fallback_used = self.fallback_used

        message = self.message

        placeholder = self.placeholder

        plugin = self.plugin


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "fallback_used": fallback_used,
            "message": message,
            "placeholder": placeholder,
            "plugin": plugin,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        fallback_used = d.pop("fallback_used")

        message = d.pop("message")

        placeholder = d.pop("placeholder")

        plugin = d.pop("plugin")

        render_warning = cls(
            fallback_used=fallback_used,
            message=message,
            placeholder=placeholder,
            plugin=plugin,
        )


        render_warning.additional_properties = d
        return render_warning

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

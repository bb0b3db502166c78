from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field
import json
from .. import types

from ..types import UNSET, Unset

from ..types import File, FileTypes
from io import BytesIO






T = TypeVar("T", bound="InstallForm")



@_attrs_define
class InstallForm:
    """ The multipart body of an install (for the OpenAPI document).

        Attributes:
            component (File): The WebAssembly component built for wasm32-wasip2.
            manifest (File): The manifest, `plugin.toml`. Example: name = "shout"
                version = "0.1.0"
                kind = "variable-resolver"
                description = "The first name in capitals"
                variables = ["shout"]
                .
     """

    component: File
    manifest: File
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        component = self.component.to_tuple()


        manifest = self.manifest.to_tuple()



        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "component": component,
            "manifest": manifest,
        })

        return field_dict


    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("component", self.component.to_tuple()))



        files.append(("manifest", self.manifest.to_tuple()))




        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))



        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        component = File(
             payload = BytesIO(d.pop("component"))
        )




        manifest = File(
             payload = BytesIO(d.pop("manifest"))
        )




        install_form = cls(
            component=component,
            manifest=manifest,
        )


        install_form.additional_properties = d
        return install_form

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

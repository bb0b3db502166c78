from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.plugin_kind import PluginKind
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.page_plugin_info_items_item_config_schema import PagePluginInfoItemsItemConfigSchema
  from ..models.permissions import Permissions





T = TypeVar("T", bound="PagePluginInfoItemsItem")



@_attrs_define
class PagePluginInfoItemsItem:
    """ An installed plugin.

        Attributes:
            config_schema (PagePluginInfoItemsItemConfigSchema): The settings a workspace may give it.
            description (str):
            file_extensions (list[str]): File extensions an importer reads.
            installed_at (datetime.datetime):
            kind (PluginKind):
            name (str):  Example: greeting.
            permissions (Permissions):
            sha256 (str):
            source (str): `directory` (bundled or dropped in the plugins folder) or `upload`.
            variables (list[str]): Variable names a resolver provides.
            version (str):  Example: 0.1.0.
     """

    config_schema: PagePluginInfoItemsItemConfigSchema
    description: str
    file_extensions: list[str]
    installed_at: datetime.datetime
    kind: PluginKind
    name: str
    permissions: Permissions
    sha256: str
    source: str
    variables: list[str]
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.page_plugin_info_items_item_config_schema import PagePluginInfoItemsItemConfigSchema # noqa: PLC0415
        from ..models.permissions import Permissions # noqa: PLC0415
        config_schema = self.config_schema.to_dict()

        description = self.description

        file_extensions = self.file_extensions



        installed_at = self.installed_at.isoformat()

        kind = self.kind.value

        name = self.name

        permissions = self.permissions.to_dict()

        sha256 = self.sha256

        source = self.source

        variables = self.variables



        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "config_schema": config_schema,
            "description": description,
            "file_extensions": file_extensions,
            "installed_at": installed_at,
            "kind": kind,
            "name": name,
            "permissions": permissions,
            "sha256": sha256,
            "source": source,
            "variables": variables,
            "version": version,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.page_plugin_info_items_item_config_schema import PagePluginInfoItemsItemConfigSchema # noqa: PLC0415
        from ..models.permissions import Permissions # noqa: PLC0415
        d = dict(src_dict)
        config_schema = PagePluginInfoItemsItemConfigSchema.from_dict(d.pop("config_schema"))




        description = d.pop("description")

        file_extensions = cast(list[str], d.pop("file_extensions"))


        installed_at = datetime.datetime.fromisoformat(d.pop("installed_at"))




        kind = PluginKind(d.pop("kind"))




        name = d.pop("name")

        permissions = Permissions.from_dict(d.pop("permissions"))




        sha256 = d.pop("sha256")

        source = d.pop("source")

        variables = cast(list[str], d.pop("variables"))


        version = d.pop("version")

        page_plugin_info_items_item = cls(
            config_schema=config_schema,
            description=description,
            file_extensions=file_extensions,
            installed_at=installed_at,
            kind=kind,
            name=name,
            permissions=permissions,
            sha256=sha256,
            source=source,
            variables=variables,
            version=version,
        )


        page_plugin_info_items_item.additional_properties = d
        return page_plugin_info_items_item

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

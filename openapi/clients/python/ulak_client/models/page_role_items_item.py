from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.permission import Permission





T = TypeVar("T", bound="PageRoleItemsItem")



@_attrs_define
class PageRoleItemsItem:
    """ 
        Attributes:
            builtin (bool): Built-in roles (owner, admin, editor, viewer) cannot be changed or deleted.
            description (str):  Example: Runs campaigns, cannot touch channels.
            name (str):  Example: campaign_manager.
            permissions (list[Permission]):
     """

    builtin: bool
    description: str
    name: str
    permissions: list[Permission]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.permission import Permission # noqa: PLC0415
        builtin = self.builtin

        description = self.description

        name = self.name

        permissions = []
        for permissions_item_data in self.permissions:
            permissions_item = permissions_item_data.to_dict()
            permissions.append(permissions_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "builtin": builtin,
            "description": description,
            "name": name,
            "permissions": permissions,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.permission import Permission # noqa: PLC0415
        d = dict(src_dict)
        builtin = d.pop("builtin")

        description = d.pop("description")

        name = d.pop("name")

        permissions = []
        _permissions = d.pop("permissions")
        for permissions_item_data in (_permissions):
            permissions_item = Permission.from_dict(permissions_item_data)



            permissions.append(permissions_item)


        page_role_items_item = cls(
            builtin=builtin,
            description=description,
            name=name,
            permissions=permissions,
        )


        page_role_items_item.additional_properties = d
        return page_role_items_item

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

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.catalogue_entry import CatalogueEntry
  from ..models.role import Role





T = TypeVar("T", bound="Catalogue")



@_attrs_define
class Catalogue:
    """ 
        Attributes:
            builtin_roles (list[Role]): The built-in roles and what they grant.
            permissions (list[CatalogueEntry]):
     """

    builtin_roles: list[Role]
    permissions: list[CatalogueEntry]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.catalogue_entry import CatalogueEntry # noqa: PLC0415
        from ..models.role import Role # noqa: PLC0415
        builtin_roles = []
        for builtin_roles_item_data in self.builtin_roles:
            builtin_roles_item = builtin_roles_item_data.to_dict()
            builtin_roles.append(builtin_roles_item)



        permissions = []
        for permissions_item_data in self.permissions:
            permissions_item = permissions_item_data.to_dict()
            permissions.append(permissions_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "builtin_roles": builtin_roles,
            "permissions": permissions,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.catalogue_entry import CatalogueEntry # noqa: PLC0415
        from ..models.role import Role # noqa: PLC0415
        d = dict(src_dict)
        builtin_roles = []
        _builtin_roles = d.pop("builtin_roles")
        for builtin_roles_item_data in (_builtin_roles):
            builtin_roles_item = Role.from_dict(builtin_roles_item_data)



            builtin_roles.append(builtin_roles_item)


        permissions = []
        _permissions = d.pop("permissions")
        for permissions_item_data in (_permissions):
            permissions_item = CatalogueEntry.from_dict(permissions_item_data)



            permissions.append(permissions_item)


        catalogue = cls(
            builtin_roles=builtin_roles,
            permissions=permissions,
        )


        catalogue.additional_properties = d
        return catalogue

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

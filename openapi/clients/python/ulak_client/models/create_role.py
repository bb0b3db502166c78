from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.permission import Permission





T = TypeVar("T", bound="CreateRole")



@_attrs_define
class CreateRole:
    """ 
        Attributes:
            name (str): 1 to 40 of a-z, 0-9, `_` and `-`. Example: campaign_manager.
            permissions (list[Permission]):  Example: [{'action': 'write', 'resource': 'campaigns'}, {'action': 'send',
                'resource': 'campaigns'}].
            description (str | Unset):  Example: Runs campaigns, cannot touch channels.
     """

    name: str
    permissions: list[Permission]
    description: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.permission import Permission # noqa: PLC0415
        name = self.name

        permissions = []
        for permissions_item_data in self.permissions:
            permissions_item = permissions_item_data.to_dict()
            permissions.append(permissions_item)



        description = self.description


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
            "permissions": permissions,
        })
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.permission import Permission # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        permissions = []
        _permissions = d.pop("permissions")
        for permissions_item_data in (_permissions):
            permissions_item = Permission.from_dict(permissions_item_data)



            permissions.append(permissions_item)


        description = d.pop("description", UNSET)

        create_role = cls(
            name=name,
            permissions=permissions,
            description=description,
        )

        return create_role


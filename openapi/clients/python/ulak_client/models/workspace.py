from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="Workspace")



@_attrs_define
class Workspace:
    """ 
        Attributes:
            created_at (datetime.datetime):
            id (str):  Example: w0k2m4n6p8r0t2v4x6z8.
            name (str):  Example: Acme Pazarlama.
            default_region (str | Unset): Region (ISO 3166 code) for reading phone numbers written without a country code.
                Example: TR.
            locale (str | Unset): Language for dates and salutations: `tr` or `en`. Example: tr.
            role (None | str | Unset): Your role here (absent where it does not apply). Example: owner.
            time_zone (str | Unset): IANA time zone for `%tarih%`, `%saat%` and scheduling. Example: Europe/Istanbul.
     """

    created_at: datetime.datetime
    id: str
    name: str
    default_region: str | Unset = UNSET
    locale: str | Unset = UNSET
    role: None | str | Unset = UNSET
    time_zone: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        id = self.id

        name = self.name

        default_region = self.default_region

        locale = self.locale

        role: None | str | Unset
        if isinstance(self.role, Unset):
            role = UNSET
        else:
            role = self.role

        time_zone = self.time_zone


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "id": id,
            "name": name,
        })
        if default_region is not UNSET:
            field_dict["default_region"] = default_region
        if locale is not UNSET:
            field_dict["locale"] = locale
        if role is not UNSET:
            field_dict["role"] = role
        if time_zone is not UNSET:
            field_dict["time_zone"] = time_zone

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = d.pop("id")

        name = d.pop("name")

        default_region = d.pop("default_region", UNSET)

        locale = d.pop("locale", UNSET)

        def _parse_role(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        role = _parse_role(d.pop("role", UNSET))


        time_zone = d.pop("time_zone", UNSET)

        workspace = cls(
            created_at=created_at,
            id=id,
            name=name,
            default_region=default_region,
            locale=locale,
            role=role,
            time_zone=time_zone,
        )


        workspace.additional_properties = d
        return workspace

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

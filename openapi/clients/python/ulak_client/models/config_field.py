from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.config_type import ConfigType
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ConfigField")



@_attrs_define
class ConfigField:
    """ One configuration key a plugin accepts.

        Attributes:
            type_ (ConfigType):
            default (Any | Unset): Any JSON value of the setting's type.
            description (str | Unset):
            min_length (int | None | Unset): For strings: the fewest characters accepted (a signing secret's strength).
            required (bool | Unset):
            secret (bool | Unset): Never shown again once set (API tokens, signing secrets).
     """

    type_: ConfigType
    default: Any | Unset = UNSET
    description: str | Unset = UNSET
    min_length: int | None | Unset = UNSET
    required: bool | Unset = UNSET
    secret: bool | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        default = self.default

        description = self.description

        min_length: int | None | Unset
        if isinstance(self.min_length, Unset):
            min_length = UNSET
        else:
            min_length = self.min_length

        required = self.required

        secret = self.secret


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "type": type_,
        })
        if default is not UNSET:
            field_dict["default"] = default
        if description is not UNSET:
            field_dict["description"] = description
        if min_length is not UNSET:
            field_dict["min_length"] = min_length
        if required is not UNSET:
            field_dict["required"] = required
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = ConfigType(d.pop("type"))




        default = d.pop("default", UNSET)

        description = d.pop("description", UNSET)

        def _parse_min_length(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        min_length = _parse_min_length(d.pop("min_length", UNSET))


        required = d.pop("required", UNSET)

        secret = d.pop("secret", UNSET)

        config_field = cls(
            type_=type_,
            default=default,
            description=description,
            min_length=min_length,
            required=required,
            secret=secret,
        )

        return config_field

